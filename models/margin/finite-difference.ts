/** Central finite differences of a scalar function of one tensor, for gradient tests. */
import * as tf from '@tensorflow/tfjs-core'

/** ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every entry of x (float64 host copies). */
export function finiteDifference(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  h = 1e-3,
): Float64Array {
  const base = Float64Array.from(x.dataSync())
  const out = new Float64Array(base.length)
  const at = (values: Float64Array): number =>
    tf.tidy(() => f(tf.tensor(Float32Array.from(values), x.shape)).dataSync()[0] as number)
  for (let i = 0; i < base.length; i++) {
    const v = base[i] as number
    base[i] = v + h
    const up = at(base)
    base[i] = v - h
    const down = at(base)
    base[i] = v
    out[i] = (up - down) / (2 * h)
  }
  return out
}

/** Largest |a_i − b_i| / max(1, |b_i|). */
export function maxRelativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const gap =
      Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))
    if (gap > worst) worst = gap
  }
  return worst
}
