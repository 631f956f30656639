/**
 * A kernel split across two threads by output rows: W's rows are cut where the nonzeros are
 * halved, each half gets its own generated kernel, and a run calls the second half on one of
 * koffi's worker threads while the first runs on the calling thread. Y's halves are contiguous
 * (Y is M x N row-major), so each kernel writes its own subarray.
 */
import type { PreparedKernel, PrepareOptions } from './types.ts'

export interface SplitKernel {
  /** Rows of the first half. */
  split: number
  kernels: [PreparedKernel, PreparedKernel]
  run(x: Float32Array, y: Float32Array): Promise<void>
  dispose(): void
}

/** The row where the nonzeros of W (M x K) are halved (at least 1, at most M - 1). */
export function balancedSplit(w: Float32Array, M: number, K: number): number {
  let total = 0
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) total++
  if (total === 0) return Math.max(1, M >> 1)
  let seen = 0
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) if (w[i * K + k] !== 0) seen++
    if (2 * seen >= total) return Math.min(M - 1, Math.max(1, i + 1))
  }
  return Math.max(1, M >> 1)
}

/** Prepares the two halves with `prepare` (a native target); needs M >= 2. */
export async function prepareSplit(
  w: Float32Array,
  o: PrepareOptions,
  prepare: (w: Float32Array, o: PrepareOptions) => Promise<PreparedKernel>,
): Promise<SplitKernel> {
  const { M, K, N } = o
  if (M < 2) throw new RangeError(`Cannot split a kernel of ${M} row across two threads`)
  const m = balancedSplit(w, M, K)
  const half = (r0: number, r1: number) =>
    prepare(w.subarray(r0 * K, r1 * K), {
      ...o,
      M: r1 - r0,
      ...(o.bias ? { bias: o.bias.subarray(r0, r1) } : {}),
    })
  const a = await half(0, m)
  let b: PreparedKernel
  try {
    b = await half(m, M)
  } catch (e) {
    a.dispose()
    throw e
  }
  if (!b.runAsync) {
    a.dispose()
    b.dispose()
    throw new TypeError('Cannot split a kernel across threads: the target has no asynchronous run')
  }
  const runAsync = b.runAsync.bind(b)
  return {
    split: m,
    kernels: [a, b],
    async run(x, y) {
      const pending = runAsync(x, y.subarray(m * N))
      a.run(x, y.subarray(0, m * N))
      await pending
    },
    dispose() {
      a.dispose()
      b.dispose()
    },
  }
}
