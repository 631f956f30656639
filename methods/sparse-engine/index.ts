/** The sparse engine's kernel library: pruning, formats, reference kernels, generated kernels. */

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
  type NativeCodegenOptions,
  type NativeToolchain,
  nativeAvailable,
  nativeTarget,
  nativeToolchain,
  prepareNative,
} from './codegen-c.ts'
export { prepareWasm, type WasmCodegenOptions, wasmTarget } from './codegen-wasm.ts'
export { type KernelPlan, planKernel } from './plan.ts'
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
