/**
 * Walker's alias method: O(n) build, O(1) draws from a discrete distribution, no allocation per
 * draw. Used for weighted neighbour choice and for skip-gram's noise distribution.
 */
import type { Rng } from '../../harness/run/rng.ts'

export interface AliasTable {
  /** Acceptance probability of each slot. */
  prob: Float64Array
  /** The other outcome of each slot. */
  alias: Int32Array
}

/** Builds the table of `weights[from..from+n)` into `prob`/`alias` at the same offsets. */
export function buildAliasInto(
  weights: ArrayLike<number>,
  from: number,
  n: number,
  prob: Float64Array,
  alias: Int32Array,
  scratch: Int32Array,
): void {
  let total = 0
  for (let i = 0; i < n; i++) total += weights[from + i] as number
  if (n === 0) return
  if (!(total > 0)) throw new RangeError(`Cannot build an alias table: the weights sum to ${total}`)
  // scratch holds the small stack from the front and the large stack from the back.
  let small = 0
  let large = n
  for (let i = 0; i < n; i++) {
    const p = ((weights[from + i] as number) * n) / total
    prob[from + i] = p
    alias[from + i] = i
    if (p < 1) scratch[small++] = i
    else scratch[--large] = i
  }
  while (small > 0 && large < n) {
    const s = scratch[--small] as number
    const l = scratch[large] as number
    alias[from + s] = l
    const rest = (prob[from + l] as number) + (prob[from + s] as number) - 1
    prob[from + l] = rest
    if (rest < 1) {
      large++
      scratch[small++] = l
    }
  }
  // Leftovers are 1 up to rounding.
  while (small > 0) prob[from + (scratch[--small] as number)] = 1
  while (large < n) prob[from + (scratch[large++] as number)] = 1
}

/** An alias table over all of `weights`. */
export function buildAlias(weights: ArrayLike<number>): AliasTable {
  const n = weights.length
  const table = { prob: new Float64Array(n), alias: new Int32Array(n) }
  buildAliasInto(weights, 0, n, table.prob, table.alias, new Int32Array(n))
  return table
}

/** One draw in 0..n-1 from the table stored at `from`. */
export function drawAlias(
  rng: Rng,
  prob: Float64Array,
  alias: Int32Array,
  from: number,
  n: number,
): number {
  const u = rng.next() * n
  const slot = Math.floor(u)
  return u - slot < (prob[from + slot] as number) ? slot : (alias[from + slot] as number)
}
