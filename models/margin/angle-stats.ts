/**
 * Feature-space angle statistics (for angular-margin losses): with features normalised to unit
 * length and μ_c the unit direction of class c's mean feature,
 *
 *   intra = mean over examples of ∠(h_i, μ_{y_i})
 *   inter = mean over class pairs c < c' of ∠(μ_c, μ_c')
 *   ratio = inter / intra        (larger = tighter, better separated clusters)
 */

export interface AngleStats {
  /** Radians. */
  intra: number
  inter: number
  ratio: number
}

function unit(v: Float64Array): Float64Array {
  let s = 0
  for (const a of v) s += a * a
  const norm = Math.sqrt(s) || 1
  return v.map((a) => a / norm)
}

function angle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number)
  return Math.acos(Math.min(1, Math.max(-1, dot)))
}

/** Angle statistics of features [n, dim] (row-major) with labels. Classes with no example are skipped. */
export function angleStats(
  features: Float32Array,
  labels: Int32Array,
  dim: number,
  numClasses: number,
): AngleStats {
  const n = labels.length
  if (features.length !== n * dim)
    throw new TypeError(`Cannot compute angles: ${features.length} values for ${n}×${dim}`)
  const rows: Float64Array[] = []
  const sums = Array.from({ length: numClasses }, () => new Float64Array(dim))
  const counts = new Array<number>(numClasses).fill(0)
  for (let i = 0; i < n; i++) {
    const r = unit(Float64Array.from(features.subarray(i * dim, (i + 1) * dim)))
    rows.push(r)
    const c = labels[i] as number
    const s = sums[c] as Float64Array
    for (let k = 0; k < dim; k++) s[k] = (s[k] as number) + (r[k] as number)
    counts[c] = (counts[c] as number) + 1
  }
  const centres = sums.map((s) => unit(s))
  let intra = 0
  for (let i = 0; i < n; i++)
    intra += angle(rows[i] as Float64Array, centres[labels[i] as number] as Float64Array)
  intra /= Math.max(1, n)
  let inter = 0
  let pairs = 0
  for (let a = 0; a < numClasses; a++) {
    for (let b = a + 1; b < numClasses; b++) {
      if (!counts[a] || !counts[b]) continue
      inter += angle(centres[a] as Float64Array, centres[b] as Float64Array)
      pairs++
    }
  }
  inter /= Math.max(1, pairs)
  return { intra, inter, ratio: intra > 0 ? inter / intra : Number.POSITIVE_INFINITY }
}
