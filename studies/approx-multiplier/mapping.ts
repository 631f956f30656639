/**
 * Which multiplier mode each weight uses, per layer (brief §1.3, our reconstruction):
 *
 *   activation histograms of the layer (calibration split): per patch index i (statistics
 *   'position', default) or one for the whole layer ('layer', the brief's p_ℓ(a))
 *     -> per (mode, weight code w, index i): μ = E_p[P_mode(w, a) − w·a], σ² = Var_p[...]
 *     -> per filter (output channel), a mode per weight:
 *          balanced        visit weights by decreasing |w|, give each the mode (N or P) whose μ
 *                          moves the running Σμ toward 0; zero weights stay exact; optional
 *                          variance budget keeps the largest |w| exact until the filter's Σσ² of
 *                          the rest is ≤ budget × Σσ² with every weight approximate
 *          all-negative / all-positive / random (P or N with probability ½)
 *          bias-corrected  all-negative, and the filter bias absorbs −round(Σμ)
 *          alwann          all-negative on tuned weights w' = argmin_w' E_p[(P_N(w', a) − w·a)²]
 *          exact           every weight exact, still through the LUT path
 *     -> LayerPlan: offsets into a signed bank of LUT rows (see int-net.ts)
 */
import type { Rng } from '../../harness/run/rng.ts'
import type { IntLayer, LayerPlan } from './int-net.ts'
import type { Lut } from './multipliers.ts'

export const MAPPINGS = [
  'exact',
  'all-negative',
  'all-positive',
  'random',
  'balanced',
  'bias-corrected',
  'alwann',
] as const
export type Mapping = (typeof MAPPINGS)[number]

/** Mode indices inside a bank. */
export const EXACT = 0
export const NEG = 1
export const POS = 2

/** Start of the bank row of (mode, signed weight code w). */
export const rowOf = (mode: number, w: number) => (mode * 256 + (w + 128)) * 256

/**
 * Signed LUT rows of the exact, negative and positive multipliers: bank[rowOf(m, w) + a] =
 * sign(w)·LUT_m(|w|, a) (the multiplier sees the magnitude; the sign is applied outside).
 */
export function buildBank(exact: Lut, negative: Lut, positive: Lut): Int32Array {
  const bank = new Int32Array(3 * 256 * 256)
  const luts = [exact, negative, positive]
  luts.forEach((lut, m) => {
    for (let w = -128; w < 128; w++) {
      const s = Math.sign(w)
      const src = Math.abs(w) * 256
      const row = rowOf(m, w)
      for (let a = 0; a < 256; a++) bank[row + a] = s * (lut[src + a] as number)
    }
  })
  return bank
}

/** Per bank row (mode·256 + w + 128): mean and variance of the product error under `hist`. */
export interface RowStats {
  mu: Float64Array
  variance: Float64Array
  /** E_p[a] and E_p[a²]. */
  meanA: number
  meanA2: number
  /** E_p[P(row, a)²] and E_p[a·P(row, a)], for weight tuning. */
  p2: Float64Array
  ap: Float64Array
}

export function rowStats(bank: Int32Array, hist: ArrayLike<number>): RowStats {
  let total = 0
  for (let a = 0; a < 256; a++) total += hist[a] as number
  const p = Float64Array.from({ length: 256 }, (_, a) =>
    total > 0 ? (hist[a] as number) / total : a === 0 ? 1 : 0,
  )
  let meanA = 0
  let meanA2 = 0
  for (let a = 0; a < 256; a++) {
    meanA += (p[a] as number) * a
    meanA2 += (p[a] as number) * a * a
  }
  const rows = 3 * 256
  const mu = new Float64Array(rows)
  const variance = new Float64Array(rows)
  const p2 = new Float64Array(rows)
  const ap = new Float64Array(rows)
  for (let r = 0; r < rows; r++) {
    const w = (r % 256) - 128
    let s = 0
    let s2 = 0
    let q2 = 0
    let aq = 0
    for (let a = 0; a < 256; a++) {
      const pa = p[a] as number
      if (pa === 0) continue
      const prod = bank[r * 256 + a] as number
      const e = prod - w * a
      s += pa * e
      s2 += pa * e * e
      q2 += pa * prod * prod
      aq += pa * a * prod
    }
    mu[r] = s
    variance[r] = Math.max(0, s2 - s * s)
    p2[r] = q2
    ap[r] = aq
  }
  return { mu, variance, meanA, meanA2, p2, ap }
}

const ri = (mode: number, w: number) => mode * 256 + w + 128

/** Sums a per-index histogram (K·256) into one layer histogram (256). */
export function layerHistogram(hist: ArrayLike<number>): Float64Array {
  const out = new Float64Array(256)
  for (let k = 0; k < hist.length; k++)
    out[k % 256] = (out[k % 256] as number) + (hist[k] as number)
  return out
}

/**
 * Per patch index i, the activation distribution as a sparse list (codes `a`, probabilities `p`
 * in [start[i], start[i + 1])) and E[a]; from a per-index histogram hist[i·256 + a].
 */
export interface PositionStats {
  start: Int32Array
  a: Uint8Array
  p: Float64Array
  meanA: Float64Array
}

export function positionStats(hist: ArrayLike<number>, K: number): PositionStats {
  let nnz = 0
  for (let k = 0; k < K * 256; k++) if ((hist[k] as number) > 0) nnz++
  const start = new Int32Array(K + 1)
  const a = new Uint8Array(nnz)
  const p = new Float64Array(nnz)
  const meanA = new Float64Array(K)
  let t = 0
  for (let i = 0; i < K; i++) {
    start[i] = t
    let total = 0
    for (let v = 0; v < 256; v++) total += hist[i * 256 + v] as number
    let m = 0
    for (let v = 0; v < 256; v++) {
      const c = hist[i * 256 + v] as number
      if (c <= 0) continue
      a[t] = v
      p[t] = c / total
      m += (v * c) / total
      t++
    }
    meanA[i] = m
  }
  start[K] = t
  return { start, a, p, meanA }
}

/** Expected error at index i of the bank row `row` for weight code w: E_i[P(a)] − w·E_i[a]. */
function muAt(bank: Int32Array, ps: PositionStats, row: number, w: number, i: number): number {
  let s = 0
  for (let t = ps.start[i] as number; t < (ps.start[i + 1] as number); t++)
    s += (ps.p[t] as number) * (bank[row + (ps.a[t] as number)] as number)
  return s - w * (ps.meanA[i] as number)
}

function varAt(bank: Int32Array, ps: PositionStats, row: number, w: number, i: number): number {
  let s = 0
  let s2 = 0
  for (let t = ps.start[i] as number; t < (ps.start[i + 1] as number); t++) {
    const v = ps.a[t] as number
    const e = (bank[row + v] as number) - w * v
    s += (ps.p[t] as number) * e
    s2 += (ps.p[t] as number) * e * e
  }
  return Math.max(0, s2 - s * s)
}

/** Expected product error of weight (w, index i) in mode m: per-index stats when given, else the layer's. */
export interface ErrorModel {
  mu(m: number, w: number, i: number): number
  variance(m: number, w: number, i: number): number
}

export function errorModel(bank: Int32Array, stats: RowStats, ps?: PositionStats): ErrorModel {
  if (!ps)
    return {
      mu: (m, w) => stats.mu[ri(m, w)] as number,
      variance: (m, w) => stats.variance[ri(m, w)] as number,
    }
  return {
    mu: (m, w, i) => muAt(bank, ps, rowOf(m, w), w, i),
    variance: (m, w, i) => varAt(bank, ps, rowOf(m, w), w, i),
  }
}

/** Options of the balanced mapping. */
export interface BalanceOptions {
  /** 1 = no budget (every nonzero weight approximate). @default 1 */
  varianceBudget?: number
}

/** Modes [out, K] of one layer under `mapping`. */
export function assignModes(
  l: IntLayer,
  mapping: Mapping,
  model: ErrorModel,
  rng: Rng,
  opts: BalanceOptions = {},
): Uint8Array {
  const { K, out, wT } = l
  const modes = new Uint8Array(out * K)
  if (mapping === 'exact') return modes
  if (mapping !== 'balanced') {
    for (let i = 0; i < modes.length; i++) {
      if (wT[i] === 0) continue
      modes[i] =
        mapping === 'all-positive'
          ? POS
          : mapping === 'random'
            ? rng.next() < 0.5
              ? NEG
              : POS
            : NEG
    }
    return modes
  }
  const budget = opts.varianceBudget ?? 1
  const order = new Int32Array(K)
  for (let c = 0; c < out; c++) {
    const wb = c * K
    let m = 0
    for (let i = 0; i < K; i++) if (wT[wb + i] !== 0) order[m++] = i
    const idx = Array.from(order.subarray(0, m)).sort(
      (x, y) => Math.abs(wT[wb + y] as number) - Math.abs(wT[wb + x] as number) || x - y,
    )
    let first = 0
    if (budget < 1) {
      const v = (i: number) => {
        const w = wT[wb + i] as number
        return (model.variance(NEG, w, i) + model.variance(POS, w, i)) / 2
      }
      let rest = 0
      for (const i of idx) rest += v(i)
      const target = budget * rest
      while (first < idx.length && rest > target) rest -= v(idx[first++] as number)
    }
    let sum = 0
    for (let t = first; t < idx.length; t++) {
      const i = idx[t] as number
      const w = wT[wb + i] as number
      const muN = model.mu(NEG, w, i)
      const muP = model.mu(POS, w, i)
      const pick = Math.abs(sum + muN) <= Math.abs(sum + muP) ? NEG : POS
      modes[wb + i] = pick
      sum += pick === NEG ? muN : muP
    }
  }
  return modes
}

/**
 * ALWANN-style weight tuning for the negative multiplier: per weight code w, the code w' whose
 * approximate products are closest to w·a in mean square under the layer's activation histogram.
 */
export function tunedWeights(stats: RowStats): Int8Array {
  const tuned = new Int8Array(256)
  for (let w = -127; w <= 127; w++) {
    if (w === 0) continue
    let best = w
    let bestErr = Number.POSITIVE_INFINITY
    for (let v = -127; v <= 127; v++) {
      if (v === 0) continue
      const r = ri(NEG, v)
      const err = (stats.p2[r] as number) - 2 * w * (stats.ap[r] as number) + w * w * stats.meanA2
      if (
        err < bestErr - 1e-9 ||
        (Math.abs(err - bestErr) <= 1e-9 && Math.abs(v - w) < Math.abs(best - w))
      ) {
        best = v
        bestErr = err
      }
    }
    tuned[w + 128] = best
  }
  return tuned
}

export interface LayerMapping {
  plan: LayerPlan
  modes: Uint8Array
  /** Expected error of each filter's accumulator, Σ_i E_p[P_i(a) − w_i·a] (+ bias change). */
  predictedBias: Float64Array
}

/**
 * The plan of one layer under `mapping` with the multiplier bank `bank`: expected errors from the
 * per-index statistics `positions` when given, else from the layer statistics `stats` (which
 * ALWANN tuning always uses: one tuned code per weight value and layer).
 */
export function mapLayer(
  l: IntLayer,
  mapping: Mapping,
  bank: Int32Array,
  stats: RowStats,
  rng: Rng,
  opts: BalanceOptions = {},
  positions?: PositionStats,
): LayerMapping {
  const { K, out, wT } = l
  const model = errorModel(bank, stats, positions)
  const modes = assignModes(l, mapping, model, rng, opts)
  const tuned = mapping === 'alwann' ? tunedWeights(stats) : undefined
  const off = new Int32Array(out * K)
  const predictedBias = new Float64Array(out)
  for (let c = 0; c < out; c++) {
    let s = 0
    for (let i = c * K; i < (c + 1) * K; i++) {
      const w = wT[i] as number
      const m = modes[i] as number
      const code = tuned && w !== 0 ? (tuned[w + 128] as number) : w
      off[i] = rowOf(m, code)
      // E[P(code, a)] − w·E[a]: the row's own error plus the change of weight.
      const meanA = positions ? (positions.meanA[i - c * K] as number) : stats.meanA
      s += model.mu(m, code, i - c * K) + (code - w) * meanA
    }
    predictedBias[c] = s
  }
  let bias: Int32Array | undefined
  if (mapping === 'bias-corrected') {
    bias = Int32Array.from(l.bias, (b, c) => b - Math.round(predictedBias[c] as number))
    for (let c = 0; c < out; c++)
      predictedBias[c] = (predictedBias[c] as number) - Math.round(predictedBias[c] as number)
  }
  return { plan: bias ? { bank, off, bias } : { bank, off }, modes, predictedBias }
}
