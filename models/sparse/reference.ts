/**
 * Reference kernels every generated kernel is checked against: a plain dense GEMM and plain
 * TypeScript CSR / block-CSR SpMM. Y = W·X (+bias, ReLU), W M x K, X K x N, Y M x N, row-major.
 */
import type { BlockCsr, Csr } from './formats.ts'

/** Bias and activation fused into a GEMM. */
export interface Epilogue {
  bias?: Float32Array
  /** @default false */
  relu?: boolean
}

function checkShapes(
  what: string,
  m: number,
  k: number,
  n: number,
  x: Float32Array,
  y: Float32Array,
  bias?: Float32Array,
): void {
  if (x.length !== k * n)
    throw new TypeError(`Cannot run ${what}: X has ${x.length} values, expected ${k} x ${n}`)
  if (y.length !== m * n)
    throw new TypeError(`Cannot run ${what}: Y has ${y.length} values, expected ${m} x ${n}`)
  if (bias !== undefined && bias.length !== m)
    throw new TypeError(`Cannot run ${what}: bias has ${bias.length} values, expected ${m}`)
}

function finishRow(y: Float32Array, row: number, n: number, relu: boolean): void {
  if (!relu) return
  for (let j = row * n; j < (row + 1) * n; j++) if ((y[j] as number) < 0) y[j] = 0
}

/** Dense Y = W·X (+bias, ReLU), accumulated in float64 per output for a trustworthy reference. */
export function denseGemm(
  w: Float32Array,
  x: Float32Array,
  y: Float32Array,
  shape: { M: number; K: number; N: number },
  epilogue: Epilogue = {},
): void {
  const { M, K, N } = shape
  if (w.length !== M * K)
    throw new TypeError(`Cannot run denseGemm: W has ${w.length} values, expected ${M} x ${K}`)
  checkShapes('denseGemm', M, K, N, x, y, epilogue.bias)
  const acc = new Float64Array(N)
  for (let i = 0; i < M; i++) {
    acc.fill(epilogue.bias?.[i] ?? 0)
    for (let k = 0; k < K; k++) {
      const a = w[i * K + k] as number
      if (a === 0) continue
      const off = k * N
      for (let j = 0; j < N; j++) acc[j] = (acc[j] as number) + a * (x[off + j] as number)
    }
    for (let j = 0; j < N; j++) y[i * N + j] = acc[j] as number
    finishRow(y, i, N, epilogue.relu ?? false)
  }
}

/** Plain CSR SpMM: for each nonzero W[i,k], Y[i,:] += W[i,k] · X[k,:]. */
export function csrSpmm(
  csr: Csr,
  x: Float32Array,
  y: Float32Array,
  n: number,
  epilogue: Epilogue = {},
): void {
  const { rows, cols, rowPtr, colIdx, values } = csr
  checkShapes('csrSpmm', rows, cols, n, x, y, epilogue.bias)
  for (let i = 0; i < rows; i++) {
    const yo = i * n
    y.fill(epilogue.bias?.[i] ?? 0, yo, yo + n)
    const end = rowPtr[i + 1] as number
    for (let p = rowPtr[i] as number; p < end; p++) {
      const a = values[p] as number
      const xo = (colIdx[p] as number) * n
      for (let j = 0; j < n; j++) y[yo + j] = (y[yo + j] as number) + a * (x[xo + j] as number)
    }
    finishRow(y, i, n, epilogue.relu ?? false)
  }
}

/** Plain block-CSR SpMM with 1 x blockCols blocks. */
export function blockCsrSpmm(
  bsr: BlockCsr,
  x: Float32Array,
  y: Float32Array,
  n: number,
  epilogue: Epilogue = {},
): void {
  const { rows, cols, blockCols, rowPtr, blockCol, values } = bsr
  checkShapes('blockCsrSpmm', rows, cols, n, x, y, epilogue.bias)
  for (let i = 0; i < rows; i++) {
    const yo = i * n
    y.fill(epilogue.bias?.[i] ?? 0, yo, yo + n)
    const end = rowPtr[i + 1] as number
    for (let p = rowPtr[i] as number; p < end; p++) {
      const k0 = blockCol[p] as number
      for (let b = 0; b < blockCols; b++) {
        const a = values[p * blockCols + b] as number
        if (a === 0) continue
        const xo = (k0 + b) * n
        for (let j = 0; j < n; j++) y[yo + j] = (y[yo + j] as number) + a * (x[xo + j] as number)
      }
    }
    finishRow(y, i, n, epilogue.relu ?? false)
  }
}
