/**
 * Spectral clustering on the mean of the layers' normalised Laplacians (an MSGC-like baseline):
 *
 *   M = (1/L) Σ_ℓ D_ℓ^{-1/2} A_ℓ D_ℓ^{-1/2}      (isolated nodes: zero rows)
 *   the K smallest eigenvectors of the mean Laplacian I − M are the K largest of M + I (its
 *   spectrum shifted into [0, 2]), found by orthogonal (subspace) iteration with Gram–Schmidt;
 *   rows normalised to unit length (Ng–Jordan–Weiss), then k-means
 */
import type { GraphLayer } from '../../datasets/multilayer-graph.ts'
import type { Rng } from '../../harness/run/rng.ts'

/** The dense n × n matrix M + I of the layers. */
export function meanAdjacencyShifted(n: number, layers: readonly GraphLayer[]): Float64Array {
  const m = new Float64Array(n * n)
  for (const layer of layers) {
    const deg = new Float64Array(n)
    for (let e = 0; e < layer.src.length; e++) {
      deg[layer.src[e] as number] = (deg[layer.src[e] as number] as number) + 1
      deg[layer.dst[e] as number] = (deg[layer.dst[e] as number] as number) + 1
    }
    for (let e = 0; e < layer.src.length; e++) {
      const a = layer.src[e] as number
      const b = layer.dst[e] as number
      const v = 1 / Math.sqrt((deg[a] as number) * (deg[b] as number)) / layers.length
      m[a * n + b] = (m[a * n + b] as number) + v
      m[b * n + a] = (m[b * n + a] as number) + v
    }
  }
  for (let i = 0; i < n; i++) m[i * n + i] = (m[i * n + i] as number) + 1
  return m
}

/** The k leading eigenvectors of the symmetric PSD matrix `a` (n × n), as rows of an n × k array. */
export function leadingEigenvectors(
  rng: Rng,
  a: Float64Array,
  n: number,
  k: number,
  iterations = 300,
) {
  let q = new Float64Array(n * k)
  for (let i = 0; i < q.length; i++) q[i] = rng.normal()
  const next = new Float64Array(n * k)
  const orthonormalise = (v: Float64Array) => {
    for (let c = 0; c < k; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0
        for (let i = 0; i < n; i++) dot += (v[i * k + c] as number) * (v[i * k + p] as number)
        for (let i = 0; i < n; i++)
          v[i * k + c] = (v[i * k + c] as number) - dot * (v[i * k + p] as number)
      }
      let norm = 0
      for (let i = 0; i < n; i++) norm += (v[i * k + c] as number) ** 2
      norm = Math.sqrt(norm) || 1
      for (let i = 0; i < n; i++) v[i * k + c] = (v[i * k + c] as number) / norm
    }
  }
  orthonormalise(q)
  for (let it = 0; it < iterations; it++) {
    next.fill(0)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const aij = a[i * n + j] as number
        if (aij === 0) continue
        for (let c = 0; c < k; c++)
          next[i * k + c] = (next[i * k + c] as number) + aij * (q[j * k + c] as number)
      }
    orthonormalise(next)
    q = Float64Array.from(next)
  }
  return q
}

/** Rows of `v` (n × k) scaled to unit length, as float32 features for k-means. */
export function rowNormalised(v: Float64Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n * k)
  for (let i = 0; i < n; i++) {
    let norm = 0
    for (let c = 0; c < k; c++) norm += (v[i * k + c] as number) ** 2
    norm = Math.sqrt(norm) || 1
    for (let c = 0; c < k; c++) out[i * k + c] = (v[i * k + c] as number) / norm
  }
  return out
}
