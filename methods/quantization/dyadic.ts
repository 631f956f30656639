/**
 * Dyadic requantisation (HAWQ-V3; Jacob et al. 2018 use the same idea with a 31-bit M₀): the real
 * multiplier M = S_in·S_w / S_out is replaced by b / 2^c with an integer b in [2^23, 2^24), so
 *
 *   q_out = clamp(Z_out + ⌊(acc·b + 2^{c−1}) / 2^c⌋, q_min, q_max)      (round half up)
 *
 * needs only an integer multiply and a shift. With |acc| < 2^29 the product stays below 2^53, so
 * doubles compute it exactly: this file is the arithmetic a 64-bit integer unit would do.
 */

/** b / 2^c ≈ m with b in [2^23, 2^24). */
export interface Dyadic {
  b: number
  c: number
}

const BITS = 24
/** Largest |accumulator| for which acc·b is exact in a double. */
export const MAX_ACC = 2 ** 29

export function dyadicMultiplier(m: number): Dyadic {
  if (!(m > 0) || !Number.isFinite(m))
    throw new RangeError(`Cannot make a dyadic multiplier of ${m}`)
  const e = Math.floor(Math.log2(m))
  let c = BITS - 1 - e
  let b = Math.round(m * 2 ** c)
  if (b >= 2 ** BITS) {
    b = Math.round(b / 2)
    c--
  }
  if (c < 1) throw new RangeError(`Cannot make a dyadic multiplier of ${m}: it is too large`)
  return { b, c }
}

/** The real value of a dyadic multiplier. */
export function dyadicValue(d: Dyadic): number {
  return d.b / 2 ** d.c
}

/** Requantises an int32 accumulator: clamp(zp + round_half_up(acc·b / 2^c)). */
export function requantize(
  acc: number,
  d: Dyadic,
  zeroPoint: number,
  qMin: number,
  qMax: number,
): number {
  if (acc >= MAX_ACC || acc <= -MAX_ACC)
    throw new RangeError(`Cannot requantize: accumulator ${acc} exceeds ±2^29`)
  const q = zeroPoint + Math.floor((acc * d.b + 2 ** (d.c - 1)) / 2 ** d.c)
  return Math.min(qMax, Math.max(qMin, q))
}
