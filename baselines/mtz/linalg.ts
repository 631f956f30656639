/** Small dense linear algebra for MTZ's layer-wise Hessians (row-major Float64Array). */

/** C = A·B for A [n × k], B [k × m]. */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m)
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]!
      if (v === 0) continue
      for (let j = 0; j < m; j++) c[i * m + j]! += v * b[p * m + j]!
    }
  return c
}

/** Lower Cholesky factor of a symmetric positive-definite [n × n] matrix. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!
    for (let p = 0; p < j; p++) s -= l[j * n + p]! ** 2
    if (!(s > 0)) throw new RangeError(`Cannot factor the Hessian: pivot ${j} is ${s}`)
    const d = Math.sqrt(s)
    l[j * n + j] = d
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!
      for (let p = 0; p < j; p++) t -= l[i * n + p]! * l[j * n + p]!
      l[i * n + j] = t / d
    }
  }
  return l
}

/** X with A·X = B, given A's Cholesky factor L; B is [n × m]. */
export function cholSolve(l: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const x = b.slice()
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const v = l[i * n + p]!
      if (v !== 0) for (let j = 0; j < m; j++) x[i * m + j]! -= v * x[p * m + j]!
    }
    const d = l[i * n + i]!
    for (let j = 0; j < m; j++) x[i * m + j]! /= d
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const v = l[p * n + i]!
      if (v !== 0) for (let j = 0; j < m; j++) x[i * m + j]! -= v * x[p * m + j]!
    }
    const d = l[i * n + i]!
    for (let j = 0; j < m; j++) x[i * m + j]! /= d
  }
  return x
}
