/**
 * Seeded pseudo-random numbers: sfc32 seeded through splitmix32. Fast, 32-bit, and the same
 * stream on every platform. The only source of randomness a subject may use.
 */
import { createHash } from 'node:crypto'

function splitmix32(state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Rng {
  readonly seed: number
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | undefined

  constructor(seed: number) {
    this.seed = seed >>> 0
    const init = splitmix32(this.seed)
    this.a = init()
    this.b = init()
    this.c = init()
    this.d = init()
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`Rng.int needs a positive integer, got ${n}`)
    return Math.floor(this.next() * n)
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    let u = 0
    while (u === 0) u = this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = xs[i] as T
      xs[i] = xs[j] as T
      xs[j] = t
    }
    return xs
  }

  /** An independent stream named by `label` (same seed and label, same stream). */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label))
  }
}

/** A 32-bit seed derived from a root seed and a label (a trial key, a purpose). */
export function deriveSeed(root: number, label: string): number {
  return createHash('sha256')
    .update(`${root >>> 0}:${label}`)
    .digest()
    .readUInt32LE(0)
}
