/**
 * 8×8 unsigned multiplier models as 256×256 lookup tables, `lut[w·256 + a]` = the circuit's
 * product of the weight magnitude w and the activation code a (both 0..255).
 *
 * Families (brief §1.2, our reconstruction of positive / negative error modes):
 * - `r1`, level m: the m LSB partial-product rows of the activation operand are cleared
 *   (negative mode, a' = a & ~(2^m − 1)) or forced to 1 (positive mode, a' = a | (2^m − 1)).
 * - `r2`, level k: every partial-product bit w_i·a_j with i + j < k is set to 0 (negative) or
 *   to 1 (positive): truncated or forced LSB columns.
 * - `file`: any 8×8 unsigned LUT read from a file (EvoApprox / TFApprox style circuits).
 * Level 0 of every family, and mode `exact`, is the exact product.
 */
import { readFileSync } from 'node:fs'

export const MODES = ['exact', 'negative', 'positive'] as const
export type Mode = (typeof MODES)[number]

export const FAMILIES = ['r1', 'r2'] as const
export type Family = (typeof FAMILIES)[number]

/** 256·256 entries, index w·256 + a. */
export type Lut = Int32Array

export const LUT_SIZE = 256 * 256

/** The exact 8×8 product table. */
export function exactLut(): Lut {
  const lut = new Int32Array(LUT_SIZE)
  for (let w = 0; w < 256; w++) for (let a = 0; a < 256; a++) lut[w * 256 + a] = w * a
  return lut
}

/** R1: the m LSB rows of the activation operand cleared (negative) or forced to 1 (positive). */
export function r1Lut(m: number, mode: Mode): Lut {
  if (!(Number.isInteger(m) && m >= 0 && m <= 8))
    throw new RangeError(`Cannot build an r1 multiplier: level ${m} is not in 0..8`)
  if (mode === 'exact' || m === 0) return exactLut()
  const mask = (1 << m) - 1
  const lut = new Int32Array(LUT_SIZE)
  for (let w = 0; w < 256; w++)
    for (let a = 0; a < 256; a++)
      lut[w * 256 + a] = w * (mode === 'negative' ? a & ~mask : a | mask)
  return lut
}

/** R2: partial-product bits with column i + j < k set to 0 (negative) or 1 (positive). */
export function r2Lut(k: number, mode: Mode): Lut {
  if (!(Number.isInteger(k) && k >= 0 && k <= 15))
    throw new RangeError(`Cannot build an r2 multiplier: level ${k} is not in 0..15`)
  if (mode === 'exact' || k === 0) return exactLut()
  const lut = new Int32Array(LUT_SIZE)
  for (let w = 0; w < 256; w++)
    for (let a = 0; a < 256; a++) {
      let p = w * a
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8 && i + j < k; j++) {
          const bit = (w >> i) & 1 & ((a >> j) & 1)
          p += ((mode === 'negative' ? 0 : 1) - bit) * 2 ** (i + j)
        }
      lut[w * 256 + a] = p
    }
  return lut
}

/** Share of the 64 partial-product bits a family's level gates (the energy proxy's input). */
export function gatedFraction(family: Family, level: number): number {
  if (level <= 0) return 0
  if (family === 'r1') return Math.min(8, level) / 8
  let bits = 0
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (i + j < level) bits++
  return bits / 64
}

/** The LUT of (family, level, mode). */
export function familyLut(family: Family, level: number, mode: Mode): Lut {
  return family === 'r1' ? r1Lut(level, mode) : r2Lut(level, mode)
}

/**
 * Reads an 8×8 unsigned multiplier LUT from a file: JSON (a flat array of 65,536 numbers or 256
 * rows of 256), or any text (a C header, CSV) whose last 65,536 integers are the table in row-major
 * order [w][a]; array dimensions written before the values (`lut[256][256]`) are skipped that way.
 */
export function loadLut(path: string): Lut {
  return parseLut(readFileSync(path, 'utf8'), path)
}

/** The LUT in `text` (see loadLut); `where` names the source in errors. */
export function parseLut(text: string, where = 'text'): Lut {
  let values: number[] | undefined
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    try {
      values = (JSON.parse(trimmed) as unknown[]).flat() as number[]
    } catch {
      values = undefined
    }
  }
  if (!values) values = (text.match(/-?\d+/g) ?? []).map(Number).slice(-LUT_SIZE)
  if (values.length !== LUT_SIZE)
    throw new RangeError(
      `Cannot load multiplier LUT "${where}": found ${values.length} values, need ${LUT_SIZE}`,
    )
  const lut = Int32Array.from(values)
  for (let i = 0; i < LUT_SIZE; i++)
    if (!Number.isFinite(values[i] as number))
      throw new TypeError(`Cannot load multiplier LUT "${where}": value ${i} is not a number`)
  return lut
}

export interface ErrorStats {
  mean: number
  std: number
  /** Mean relative error distance |e| / (w·a) over operands with w·a ≠ 0. */
  mred: number
}

/** Error e = lut − w·a over uniform operands (w and a both uniform on 0..255). */
export function errorStats(lut: Lut): ErrorStats {
  let s = 0
  let s2 = 0
  let red = 0
  let nz = 0
  for (let w = 0; w < 256; w++)
    for (let a = 0; a < 256; a++) {
      const e = (lut[w * 256 + a] as number) - w * a
      s += e
      s2 += e * e
      if (w * a !== 0) {
        red += Math.abs(e) / (w * a)
        nz++
      }
    }
  const mean = s / LUT_SIZE
  return { mean, std: Math.sqrt(s2 / LUT_SIZE - mean * mean), mred: red / nz }
}

/**
 * Mean and standard deviation of e(w, a) / w at a fixed weight magnitude w over activations
 * weighted by `p` (a histogram over 0..255, normalised here; default uniform).
 */
export function unitErrorStats(
  lut: Lut,
  w: number,
  p?: ArrayLike<number>,
): { mean: number; std: number } {
  let total = 0
  let s = 0
  let s2 = 0
  for (let a = 0; a < 256; a++) {
    const pa = p ? (p[a] as number) : 1
    const e = ((lut[w * 256 + a] as number) - w * a) / w
    total += pa
    s += pa * e
    s2 += pa * e * e
  }
  const mean = s / total
  return { mean, std: Math.sqrt(Math.max(0, s2 / total - mean * mean)) }
}

/**
 * Per weight magnitude (0..255): mean and variance of the product error over an activation
 * histogram `p` (normalised here). The mapper's μ_M(|w|) and σ²_M(|w|).
 */
export function weightErrorMoments(
  lut: Lut,
  p: ArrayLike<number>,
): { mean: Float64Array; variance: Float64Array } {
  let total = 0
  for (let a = 0; a < 256; a++) total += p[a] as number
  const mean = new Float64Array(256)
  const variance = new Float64Array(256)
  if (total === 0) return { mean, variance }
  for (let w = 0; w < 256; w++) {
    let s = 0
    let s2 = 0
    for (let a = 0; a < 256; a++) {
      const pa = (p[a] as number) / total
      if (pa === 0) continue
      const e = (lut[w * 256 + a] as number) - w * a
      s += pa * e
      s2 += pa * e * e
    }
    mean[w] = s
    variance[w] = Math.max(0, s2 - s * s)
  }
  return { mean, variance }
}
