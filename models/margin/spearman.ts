/** Spearman rank correlation: Pearson correlation of the ranks (ties share their mean rank). */

/** 1-based ranks, ties averaged. */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: xs.length }, (_, i) => i).sort(
    (a, b) => (xs[a] as number) - (xs[b] as number),
  )
  const out = new Float64Array(xs.length)
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && xs[idx[j + 1] as number] === xs[idx[i] as number]) j++
    const r = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) out[idx[k] as number] = r
    i = j + 1
  }
  return out
}

/** Spearman's ρ of paired samples; NaN when either has no spread or fewer than 2 pairs. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new TypeError(`Cannot correlate: ${a.length} and ${b.length} values`)
  const n = a.length
  if (n < 2) return Number.NaN
  const ra = ranks(a)
  const rb = ranks(b)
  const mean = (n + 1) / 2
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - mean
    const db = (rb[i] as number) - mean
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN
}
