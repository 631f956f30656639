/**
 * Magnitude pruning to an exact target sparsity. The unit pruned is one weight (unstructured) or an
 * aligned block of 1 x 4 (four consecutive columns of a row) or 4 x 1 (four consecutive rows of a
 * column) scored by the block's L1 norm. Exactly round(sparsity · units) units are pruned: those with
 * the smallest score, ties broken by lower index first, so the result is deterministic.
 */

export const PrunePattern = { unstructured: 'unstructured', '1x4': '1x4', '4x1': '4x1' } as const
export type PrunePattern = keyof typeof PrunePattern

/** A dense row-major matrix. */
export interface MatrixRef {
  values: Float32Array
  rows: number
  cols: number
}

export interface PruneOptions {
  /** Fraction of weights to zero, in [0, 1]. */
  sparsity: number
  /** @default 'unstructured' */
  pattern?: PrunePattern
}

/** The mask of one matrix: 1 keeps a weight, 0 prunes it. */
export interface PruneResult {
  mask: Uint8Array
  /** Weights kept by the mask. */
  kept: number
  /** Pruned fraction of the matrix. */
  sparsity: number
}

function blockShape(pattern: PrunePattern): [number, number] {
  if (pattern === '1x4') return [1, 4]
  if (pattern === '4x1') return [4, 1]
  return [1, 1]
}

function checkOptions(opts: PruneOptions): void {
  if (!(opts.sparsity >= 0 && opts.sparsity <= 1))
    throw new RangeError(`Cannot prune: sparsity must be in [0, 1], got ${opts.sparsity}`)
  if (opts.pattern !== undefined && !(opts.pattern in PrunePattern))
    throw new RangeError(
      `Cannot prune: unknown pattern "${opts.pattern}", expected one of ${Object.keys(PrunePattern).join(', ')}`,
    )
}

/** L1 score of every block of a matrix, blocks in row-major block order. */
function blockScores(m: MatrixRef, pattern: PrunePattern): Float64Array {
  const [br, bc] = blockShape(pattern)
  if (m.values.length !== m.rows * m.cols)
    throw new TypeError(`Cannot prune: ${m.values.length} values do not fill ${m.rows} x ${m.cols}`)
  if (m.rows % br !== 0 || m.cols % bc !== 0)
    throw new RangeError(
      `Cannot prune with pattern "${pattern}": shape ${m.rows} x ${m.cols} is not divisible by ${br} x ${bc}`,
    )
  const bRows = m.rows / br
  const bCols = m.cols / bc
  const scores = new Float64Array(bRows * bCols)
  for (let i = 0; i < m.rows; i++)
    for (let k = 0; k < m.cols; k++) {
      const b = Math.floor(i / br) * bCols + Math.floor(k / bc)
      scores[b] = (scores[b] as number) + Math.abs(m.values[i * m.cols + k] as number)
    }
  return scores
}

/**
 * Which of `scores` to prune: the `count` smallest, ties by lower index. Returns keep flags.
 * A typed-array sort finds the threshold; the ties at the threshold are taken in index order.
 */
function keepFlags(scores: Float64Array, count: number): Uint8Array {
  const keep = new Uint8Array(scores.length).fill(1)
  if (count <= 0) return keep
  const sorted = Float64Array.from(scores).sort()
  const threshold = sorted[count - 1] as number
  let below = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) < threshold) below++
  let ties = count - below
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number
    if (s < threshold) keep[i] = 0
    else if (s === threshold && ties > 0) {
      keep[i] = 0
      ties--
    }
  }
  return keep
}

function expandMask(
  m: MatrixRef,
  pattern: PrunePattern,
  keep: Uint8Array,
  offset: number,
): PruneResult {
  const [br, bc] = blockShape(pattern)
  const bCols = m.cols / bc
  const mask = new Uint8Array(m.rows * m.cols)
  let kept = 0
  for (let i = 0; i < m.rows; i++)
    for (let k = 0; k < m.cols; k++) {
      const on = keep[offset + Math.floor(i / br) * bCols + Math.floor(k / bc)] as number
      mask[i * m.cols + k] = on
      kept += on
    }
  const total = m.rows * m.cols
  return { mask, kept, sparsity: total === 0 ? 0 : 1 - kept / total }
}

/** Magnitude mask of one matrix at the target sparsity. */
export function pruneMagnitude(m: MatrixRef, opts: PruneOptions): PruneResult {
  checkOptions(opts)
  const pattern = opts.pattern ?? 'unstructured'
  const scores = blockScores(m, pattern)
  return expandMask(m, pattern, keepFlags(scores, Math.round(opts.sparsity * scores.length)), 0)
}

/** Per-layer pruning: every matrix pruned to the same target on its own. */
export function pruneLayers(layers: readonly MatrixRef[], opts: PruneOptions): PruneResult[] {
  return layers.map((m) => pruneMagnitude(m, opts))
}

/** Global pruning: one threshold over all matrices, so layers end at different sparsities. */
export function pruneGlobal(layers: readonly MatrixRef[], opts: PruneOptions): PruneResult[] {
  checkOptions(opts)
  const pattern = opts.pattern ?? 'unstructured'
  const parts = layers.map((m) => blockScores(m, pattern))
  const all = new Float64Array(parts.reduce((s, p) => s + p.length, 0))
  let off = 0
  for (const p of parts) {
    all.set(p, off)
    off += p.length
  }
  const keep = keepFlags(all, Math.round(opts.sparsity * all.length))
  off = 0
  return layers.map((m, i) => {
    const r = expandMask(m, pattern, keep, off)
    off += (parts[i] as Float64Array).length
    return r
  })
}

/** A copy of `values` with the pruned weights set to zero. */
export function applyMask(values: Float32Array, mask: Uint8Array): Float32Array {
  if (values.length !== mask.length)
    throw new TypeError(`Cannot apply mask: ${mask.length} flags for ${values.length} values`)
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = mask[i] ? (values[i] as number) : 0
  return out
}
