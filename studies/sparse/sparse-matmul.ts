/**
 * `sparse-matmul`: one pruned linear layer Y = relu(W·X + b), the SpMM of the sparse-engine study.
 * W (M x K) ~ N(0, 1/K) pruned by magnitude to the target sparsity (unstructured or 1x4 blocks),
 * b ~ N(0, 0.01²), X (K x N) ~ N(0, 1), plus the float64 reference output; deterministic per seed.
 * Layout as in the kernel library: W·X with X holding one activation vector per column.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { timedMetrics } from '../../harness/measure/latency.ts'
import { type DatasetDef, type Metrics, metric } from '../../harness/types.ts'
import { applyMask, pruneMagnitude } from '../../models/sparse/prune.ts'

export interface SparseMatmul {
  M: number
  K: number
  N: number
  sparsity: number
  pattern: 'unstructured' | '1x4'
  /** Pruned weights, dense row-major M x K (zeros stored). */
  w: Float32Array
  bias: Float32Array
  /** Activations, row-major K x N. */
  x: Float32Array
  /** relu(W·X + b), row-major M x N, accumulated in float64. */
  expected: Float64Array
  /** Nonzero weights of W. */
  nnz: number
  /** Hash of W's values: the key for anything prepared from this W. */
  wHash: string
}

const Params = z.strictObject({
  /** `MxK`: W's rows (layer outputs) x columns (layer inputs), e.g. `768x3072`. */
  shape: z.string().regex(/^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$/, 'must be "MxK", e.g. "768x3072"'),
  /** Columns of X: batch x tokens. */
  N: z.number().int().min(1).max(4096),
  sparsity: z.number().min(0).max(1),
  pattern: z.enum(['unstructured', '1x4']).default('unstructured'),
})

/** relu(W·X + b) in float64, skipping zero weights. */
export function sparseReference(
  w: Float32Array,
  bias: Float32Array,
  x: Float32Array,
  M: number,
  K: number,
  N: number,
): Float64Array {
  const y = new Float64Array(M * N)
  const acc = new Float64Array(N)
  for (let i = 0; i < M; i++) {
    acc.fill(bias[i] as number)
    for (let k = 0; k < K; k++) {
      const a = w[i * K + k] as number
      if (a === 0) continue
      const off = k * N
      for (let j = 0; j < N; j++) acc[j] = (acc[j] as number) + a * (x[off + j] as number)
    }
    for (let j = 0; j < N; j++) y[i * N + j] = Math.max(0, acc[j] as number)
  }
  return y
}

export const sparseMatmul: DatasetDef<z.output<typeof Params>, SparseMatmul> = {
  name: 'sparse-matmul',
  description:
    'A magnitude-pruned linear layer relu(W·X + b), W M x K at a target sparsity (unstructured or 1x4), X K x N, with a float64 reference',
  version: '1',
  params: Params,
  async load(ctx, { shape, N, sparsity, pattern }) {
    const [M, K] = shape.split('x').map(Number) as [number, number]
    const dense = new Float32Array(M * K)
    const scale = 1 / Math.sqrt(K)
    for (let i = 0; i < dense.length; i++) dense[i] = ctx.rng.normal() * scale
    const { mask, kept } = pruneMagnitude(
      { values: dense, rows: M, cols: K },
      { sparsity, pattern },
    )
    const w = applyMask(dense, mask)
    const bias = new Float32Array(M)
    for (let i = 0; i < M; i++) bias[i] = ctx.rng.normal() * 0.01
    const x = new Float32Array(K * N)
    for (let i = 0; i < x.length; i++) x[i] = ctx.rng.normal()
    const expected = sparseReference(w, bias, x, M, K, N)
    const wHash = createHash('sha256')
      .update(`${M}x${K}:`)
      .update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength))
      .digest('hex')
      .slice(0, 32)
    return { M, K, N, sparsity, pattern, w, bias, x, expected, nnz: kept, wHash }
  },
}

/**
 * Times one SpMM call and reports latency (with samples), dense-equivalent GFLOP/s (2·M·K·N/t)
 * and effective GFLOP/s (2·nnz·N/t).
 */
export async function spmmMetrics(
  fn: () => unknown,
  params: { timeMs: number; minSamples: number; injectSlowdown: number },
  data: SparseMatmul,
): Promise<Metrics> {
  const { latency_ms, throughput, gflops } = await timedMetrics(fn, params, {
    batch: data.N,
    flops: 2 * data.M * data.K * data.N,
  })
  if (!latency_ms || !throughput || !gflops) throw new Error('timedMetrics returned no latency')
  return {
    latency_ms,
    throughput,
    gflops,
    effective_gflops: metric(
      (2 * data.nnz * data.N) / (latency_ms.value * 1e6),
      'GFLOP/s',
      'higher',
    ),
  }
}
