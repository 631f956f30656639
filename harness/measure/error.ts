/** Output-error measures shared by every kernel and backend check. */

/** Largest |y − expected| relative to the largest |expected|. */
export function maxRelativeError(y: ArrayLike<number>, expected: ArrayLike<number>): number {
  let err = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs((y[i] as number) - (expected[i] as number)))
    scale = Math.max(scale, Math.abs(expected[i] as number))
  }
  return scale === 0 ? err : err / scale
}
