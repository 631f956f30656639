/**
 * Loss and hand-derived gradient of one goal, and the lazy Adam step.
 *
 * The score is ρ = exp(-D) with D = sqrt(clip(d2)) of the bottleneck kernel, so the logistic
 * loss has closed forms: a positive costs -log ρ = D, a negative -log(1 - ρ). With
 * d(D)/d(d2) = 1 / (2D) and d(d2)/d(a) = 2 (a - b), the gradient reaches the (at most three)
 * pairs of rows of that one kernel; it is zero where the clip is active.
 */
import type { NeuralKb } from './neural-kb.ts'
import { D2_MAX, D2_MIN, type KernelTerm } from './prover.ts'

/** Loss of one goal and dLoss/d(d2) of its bottleneck. */
export function goalLoss(d2: number, positive: boolean): { loss: number; dD2: number } {
  if (!Number.isFinite(d2)) return { loss: positive ? Math.sqrt(D2_MAX) : 0, dD2: 0 }
  const clipped = d2 < D2_MIN || d2 > D2_MAX
  const D = Math.sqrt(Math.min(D2_MAX, Math.max(D2_MIN, d2)))
  if (positive) return { loss: D, dD2: clipped ? 0 : 1 / (2 * D) }
  const rho = Math.min(1 - 1e-7, Math.exp(-D))
  // d/dD of -log(1 - e^-D) = -ρ / (1 - ρ)
  return { loss: -Math.log(1 - rho), dD2: clipped ? 0 : -rho / (1 - rho) / (2 * D) }
}

/** Gradient buffer over W with the list of rows it touched. */
export class RowGrad {
  readonly g: Float32Array
  readonly touched = new Set<number>()
  constructor(
    rows: number,
    readonly dim: number,
  ) {
    this.g = new Float32Array(rows * dim)
  }
  clear(): void {
    for (const r of this.touched) this.g.fill(0, r * this.dim, (r + 1) * this.dim)
    this.touched.clear()
  }
}

/** Add scale * d(d2)/dW of one kernel term into `grad`. */
export function accumulate(nkb: NeuralKb, term: KernelTerm, scale: number, grad: RowGrad): void {
  const { W, dim } = nkb
  term.a.forEach((a, i) => {
    const b = term.b[i] as number
    if (a === b) return
    grad.touched.add(a)
    grad.touched.add(b)
    for (let j = 0; j < dim; j++) {
      const d = 2 * scale * ((W[a * dim + j] as number) - (W[b * dim + j] as number))
      grad.g[a * dim + j] = (grad.g[a * dim + j] as number) + d
      grad.g[b * dim + j] = (grad.g[b * dim + j] as number) - d
    }
  })
}

/** Adam that updates only the rows a batch touched (lazy), with L2 on those rows and a clip. */
export class LazyAdam {
  private readonly m: Float32Array
  private readonly v: Float32Array
  private t = 0
  constructor(
    size: number,
    readonly dim: number,
    readonly lr: number,
    readonly l2: number,
    readonly clip = 1,
  ) {
    this.m = new Float32Array(size)
    this.v = new Float32Array(size)
  }
  step(param: Float32Array, grad: Float32Array, rows: Iterable<number>): void {
    this.t++
    const b1 = 0.9
    const b2 = 0.999
    const c1 = 1 - b1 ** this.t
    const c2 = 1 - b2 ** this.t
    for (const r of rows) {
      for (let j = r * this.dim; j < (r + 1) * this.dim; j++) {
        let g = (grad[j] as number) + this.l2 * (param[j] as number)
        g = Math.max(-this.clip, Math.min(this.clip, g))
        const m = b1 * (this.m[j] as number) + (1 - b1) * g
        const v = b2 * (this.v[j] as number) + (1 - b2) * g * g
        this.m[j] = m
        this.v[j] = v
        param[j] = (param[j] as number) - (this.lr * (m / c1)) / (Math.sqrt(v / c2) + 1e-8)
      }
    }
  }
}
