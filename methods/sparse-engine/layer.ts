/**
 * Per-layer kernel selection at prepare time: a layer at or above `sparseFrom` sparsity gets a
 * kernel generated for its pattern (native assembly or wasm), a denser one the engine's dense
 * GEMM (native) — generated code grows with nnz and stops paying near dense.
 */

import { prepareNative } from './codegen-c.ts'
import { wasmTarget } from './codegen-wasm.ts'
import { GEMM_ROWS, type NativeOps, packRows } from './native-ops.ts'
import type { Clock, PreparedKernel, Tile } from './types.ts'

export interface LayerOptions {
  M: number
  K: number
  N: number
  bias?: Float32Array
  relu?: boolean
  /** @default 'native' */
  target?: 'native' | 'wasm'
  /** Sparsity from which the generated kernel is used. @default 0.5 */
  sparseFrom?: number
  /** Needed for the dense choice. */
  ops?: NativeOps
  tile?: Partial<Tile>
  /** Native x86: instruction set. @default the best the CPU has */
  isa?: 'avx2' | 'avx512'
  /** Group rows into blocks by shared columns (plan.ts). @default false */
  clusterRows?: boolean
  /** Y holds a residual: Y = Y + W·X (+bias, ReLU). @default false */
  accumulate?: boolean
  /** Native library cache folder. */
  cacheDir?: string
  clock: Clock
}

export interface KernelChoice {
  kind: 'sparse' | 'dense'
  /** Target and tile, or why dense. */
  detail: string
  sparsity: number
}

/** The kernel for one layer W (M x K, row-major, zeros stored) and what was chosen. */
export async function prepareLayer(
  w: Float32Array,
  o: LayerOptions,
): Promise<{ kernel: PreparedKernel; choice: KernelChoice }> {
  let zeros = 0
  for (let i = 0; i < w.length; i++) if (w[i] === 0) zeros++
  const sparsity = zeros / w.length
  const { M, K, N, clock } = o
  if (sparsity < (o.sparseFrom ?? 0.5)) {
    const ops = o.ops
    if (!ops)
      throw new TypeError(
        `Cannot prepare a ${M}x${K} layer at sparsity ${sparsity.toFixed(2)}: the dense kernel needs the native ops`,
      )
    const t0 = clock()
    const bias = o.bias ?? null
    const relu = o.relu ?? false
    const packed = packRows(w, M, K)
    // The dense GEMM has no residual epilogue: it writes a scratch that is added here.
    const scratch = o.accumulate ? new Float32Array(M * N) : undefined
    const kernel: PreparedKernel = {
      target: 'native',
      tile: { rowBlock: GEMM_ROWS, colVectors: 2, kBlocks: 1 },
      prepareMs: clock() - t0,
      codeBytes: 0,
      run: (x, y) => {
        if (scratch === undefined) return ops.denseGemm(packed, x, y, bias, M, K, N, relu)
        ops.denseGemm(packed, x, scratch, bias, M, K, N, false)
        for (let i = 0; i < scratch.length; i++) {
          const v = (y[i] as number) + (scratch[i] as number)
          y[i] = relu && v < 0 ? 0 : v
        }
      },
      dispose: () => {},
    }
    return { kernel, choice: { kind: 'dense', detail: 'dense-gemm', sparsity } }
  }
  const shape = {
    M,
    K,
    N,
    relu: o.relu ?? false,
    clock,
    ...(o.bias ? { bias: o.bias } : {}),
    ...(o.tile ? { tile: o.tile } : {}),
    ...(o.isa ? { isa: o.isa } : {}),
    ...(o.clusterRows !== undefined ? { clusterRows: o.clusterRows } : {}),
    ...(o.accumulate !== undefined ? { accumulate: o.accumulate } : {}),
  }
  const target = o.target ?? 'native'
  const kernel =
    target === 'native'
      ? await prepareNative(w, shape, o.cacheDir === undefined ? {} : { cacheDir: o.cacheDir })
      : await wasmTarget.prepare(w, shape)
  const t = kernel.tile
  return {
    kernel,
    choice: {
      kind: 'sparse',
      detail: `${kernel.isa ?? target} ${t.rowBlock}x${t.colVectors}x${t.kBlocks}${kernel.clustered ? ' clustered' : ''}`,
      sparsity,
    },
  }
}
