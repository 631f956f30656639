/**
 * The sparse engine: pruning, formats, reference kernels, generated kernels, per-layer kernel
 * selection, the encoder engine and the two-thread row split.
 */

export {
  type BlockCsr,
  type Csr,
  csrToDense,
  toBlockCsr,
  toCsr,
} from '../../models/sparse/formats.ts'
export {
  applyMask,
  type MatrixRef,
  type PruneOptions,
  PrunePattern,
  type PruneResult,
  pruneGlobal,
  pruneLayers,
  pruneMagnitude,
} from '../../models/sparse/prune.ts'
export { blockCsrSpmm, csrSpmm, denseGemm, type Epilogue } from '../../models/sparse/reference.ts'
export {
  autotune,
  defaultCandidates,
  type TuneOptions,
  type TuneResult,
  type TuneTiming,
} from './autotune.ts'
export {
  autoKBlocks,
  type NativeCodegenOptions,
  type NativeToolchain,
  nativeAvailable,
  nativeTarget,
  nativeToolchain,
  prepareNative,
} from './codegen-c.ts'
export { prepareWasm, type WasmCodegenOptions, wasmTarget } from './codegen-wasm.ts'
export { type EncoderEngine, type EncoderEngineOptions, prepareEncoder } from './encoder-engine.ts'
export { type KernelChoice, type LayerOptions, prepareLayer } from './layer.ts'
export { loadNativeOps, type NativeOps, packRows } from './native-ops.ts'
export { type KernelPlan, planKernel } from './plan.ts'
export { balancedSplit, prepareSplit, type SplitKernel } from './split-rows.ts'
export type {
  Availability,
  Clock,
  KernelTarget,
  PreparedKernel,
  PrepareOptions,
  Tile,
} from './types.ts'
export { TargetName } from './types.ts'

import { nativeTarget } from './codegen-c.ts'
import { wasmTarget } from './codegen-wasm.ts'
import type { KernelTarget } from './types.ts'

/** Every code-generation target, in preference order for a portable default. */
export const kernelTargets: readonly KernelTarget[] = [wasmTarget, nativeTarget]
