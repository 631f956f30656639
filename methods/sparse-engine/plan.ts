/**
 * Pattern analysis shared by the code generators: turns a fixed sparse W into a schedule of
 * straight-line steps, each target then emits code for it.
 *
 *   rows with no nonzero  -> `emptyRows` (output is relu(bias) or 0, written by a fill)
 *   other rows            -> ordered by nonzero count (optional), cut into blocks of `rowBlock`
 *   K                     -> cut into `kBlocks` chunks; one step per (chunk, block) with work
 *   inside a step         -> the distinct k of the block in increasing order, each with the
 *                            (row slot, weight) terms that reuse the loaded X row
 *
 * Weights are listed in emission order, so a target can pack them into one constant array and
 * address each one by an immediate offset.
 */
import type { PrepareOptions, Tile } from './types.ts'

/** One weight of a step: output row slot inside the block, and its value. */
export interface PlanTerm {
  slot: number
  weight: number
}

/** All nonzeros of a block in one column k of W, sharing the load of X row k. */
export interface PlanColumn {
  k: number
  terms: PlanTerm[]
}

/**
 * One straight-line step: accumulators for `rows` start from the bias, from zero, or from the
 * partial sums already in Y; the columns are accumulated; the result is stored (with the ReLU
 * when `relu`).
 */
export interface PlanStep {
  rows: number[]
  /** `residual`: Y's value plus the bias (the first chunk of an accumulating kernel). */
  init: 'bias' | 'zero' | 'accumulate' | 'residual'
  relu: boolean
  columns: PlanColumn[]
}

export interface KernelPlan {
  M: number
  K: number
  N: number
  tile: Tile
  relu: boolean
  bias: Float32Array | undefined
  /** Y holds a residual that the kernel adds to (empty rows then keep Y + bias). */
  accumulate: boolean
  emptyRows: number[]
  steps: PlanStep[]
  nnz: number
}

/** Checks the options of `prepare()` and fills the tile from defaults. */
export function resolveTile(defaults: Tile, tile: Partial<Tile> | undefined): Tile {
  const t = { ...defaults, ...tile }
  for (const [key, v] of Object.entries(t))
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(
        `Cannot prepare kernel: tile.${key} must be a positive integer, got ${v}`,
      )
  return t
}

export function checkPrepare(w: Float32Array, o: PrepareOptions): void {
  for (const key of ['M', 'K', 'N'] as const)
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new RangeError(
        `Cannot prepare kernel: ${key} must be a positive integer, got ${o[key]}`,
      )
  if (w.length !== o.M * o.K)
    throw new TypeError(`Cannot prepare kernel: W has ${w.length} values, expected ${o.M} x ${o.K}`)
  if (o.bias !== undefined && o.bias.length !== o.M)
    throw new TypeError(`Cannot prepare kernel: bias has ${o.bias.length} values, expected ${o.M}`)
}

/** Builds the step schedule of W for a tile. */
export function planKernel(w: Float32Array, o: PrepareOptions, tile: Tile): KernelPlan {
  checkPrepare(w, o)
  const { M, K, N } = o
  const relu = o.relu ?? false
  const counts = new Int32Array(M)
  let nnz = 0
  for (let i = 0; i < M; i++) {
    let c = 0
    for (let k = 0; k < K; k++) if (w[i * K + k] !== 0) c++
    counts[i] = c
    nnz += c
  }
  const emptyRows: number[] = []
  const rows: number[] = []
  for (let i = 0; i < M; i++) (counts[i] === 0 ? emptyRows : rows).push(i)
  // Stable sort: rows of similar work share a block, ties keep their order.
  if (o.reorderRows ?? true)
    rows.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b)
  const ordered = o.clusterRows ? clusterRows(w, K, rows, tile.rowBlock) : rows
  const accumulate = o.accumulate ?? false

  const kBlocks = Math.min(tile.kBlocks, K)
  const kEdges = Array.from({ length: kBlocks + 1 }, (_, c) => Math.round((c * K) / kBlocks))
  const steps: PlanStep[] = []
  for (let c = 0; c < kBlocks; c++) {
    const k0 = kEdges[c] as number
    const k1 = kEdges[c + 1] as number
    const first = c === 0
    const last = c === kBlocks - 1
    for (let b = 0; b < rows.length; b += tile.rowBlock) {
      const block = ordered.slice(b, b + tile.rowBlock)
      // Middle chunks touch only rows with work there; the first initialises all, the last applies the ReLU.
      const stepRows = block.filter((i) => {
        if (first || (last && relu)) return true
        for (let k = k0; k < k1; k++) if (w[i * K + k] !== 0) return true
        return false
      })
      if (stepRows.length === 0) continue
      const columns: PlanColumn[] = []
      for (let k = k0; k < k1; k++) {
        const terms: PlanTerm[] = []
        stepRows.forEach((i, slot) => {
          const v = w[i * K + k] as number
          if (v !== 0) terms.push({ slot, weight: v })
        })
        if (terms.length > 0) columns.push({ k, terms })
      }
      steps.push({
        rows: stepRows,
        init: !first
          ? 'accumulate'
          : accumulate
            ? o.bias
              ? 'residual'
              : 'accumulate'
            : o.bias
              ? 'bias'
              : 'zero',
        relu: last && relu,
        columns,
      })
    }
  }
  return {
    M,
    K,
    N,
    tile: { ...tile, kBlocks },
    relu,
    bias: o.bias,
    accumulate,
    emptyRows,
    steps,
    nnz,
  }
}

/** Candidates looked at for each free slot of a block when clustering rows. */
export const CLUSTER_POOL = 48

/**
 * Register blocks by shared columns: each block starts from the first row left (the heaviest,
 * given the count order) and takes, slot by slot, the row among the next `CLUSTER_POOL` left
 * whose nonzero columns overlap most with the block's union (ties to the earlier row).
 * Deterministic; a permutation of `rows`.
 */
export function clusterRows(
  w: Float32Array,
  K: number,
  rows: readonly number[],
  rowBlock: number,
): number[] {
  if (rowBlock < 2) return [...rows]
  const words = (K + 31) >> 5
  const sets = new Map<number, Uint32Array>()
  for (const i of rows) {
    const b = new Uint32Array(words)
    for (let k = 0; k < K; k++)
      if (w[i * K + k] !== 0) b[k >> 5] = (b[k >> 5] as number) | (1 << (k & 31))
    sets.set(i, b)
  }
  const bitsOf = (i: number) => sets.get(i) as Uint32Array
  const popcount = (v: number) => {
    let x = v - ((v >>> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
  }
  const left = [...rows]
  const out: number[] = []
  const union = new Uint32Array(words)
  while (left.length > 0) {
    const first = left.shift() as number
    out.push(first)
    union.set(bitsOf(first))
    for (let slot = 1; slot < rowBlock && left.length > 0; slot++) {
      let best = 0
      let bestOverlap = -1
      const pool = Math.min(CLUSTER_POOL, left.length)
      for (let j = 0; j < pool; j++) {
        const b = bitsOf(left[j] as number)
        let overlap = 0
        for (let q = 0; q < words; q++) overlap += popcount((b[q] as number) & (union[q] as number))
        if (overlap > bestOverlap) {
          bestOverlap = overlap
          best = j
        }
      }
      const row = left.splice(best, 1)[0] as number
      out.push(row)
      const b = bitsOf(row)
      for (let q = 0; q < words; q++) union[q] = (union[q] as number) | (b[q] as number)
    }
  }
  return out
}

/** Number of weight terms of a step. */
export function stepTerms(step: PlanStep): number {
  let n = 0
  for (const c of step.columns) n += c.terms.length
  return n
}
