/**
 * The link-prediction baselines: DistMult (Σ s·r·o) and ComplEx (Re Σ s·r·conj(o)) on typed
 * arrays, logistic loss over each fact and its C subject and C object corruptions, Adagrad with
 * L2, hand-derived gradients. Mention patterns are relations of their own here.
 */
import { z } from 'zod'
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { evaluateKb } from './evaluate.ts'
import { median } from './prover-trial.ts'
import { qualityMetrics } from './quality-metrics.ts'

export const EmbeddingParams = z.strictObject({
  /** Real numbers per embedding (ComplEx: dim/2 complex components). @default 64 */
  dim: z.number().int().min(2).default(64),
  epochs: z.number().int().min(1).default(100),
  batch: z.number().int().min(1).default(100),
  lr: z.number().positive().default(0.1),
  l2: z.number().min(0).default(0.001),
  negatives: z.number().int().min(1).default(5),
  evalTriples: z.number().int().min(1).default(200),
  /** KBs with more training facts than this are timing points: one epoch, no evaluation. */
  trainUpTo: z.number().int().min(1).optional(),
})
export type EmbeddingParams = z.output<typeof EmbeddingParams>
export type EmbeddingKind = 'distmult' | 'complex'

export class EmbeddingModel {
  readonly E: Float32Array
  readonly R: Float32Array
  readonly half: number
  constructor(
    readonly kind: EmbeddingKind,
    readonly nEnt: number,
    readonly nRel: number,
    readonly dim: number,
    rng: Rng,
  ) {
    this.half = dim >> 1
    const init = () => rng.normal() * 0.1
    this.E = new Float32Array(nEnt * dim).map(init)
    this.R = new Float32Array(nRel * dim).map(init)
  }

  score(p: number, s: number, o: number): number {
    const { E, R, dim } = this
    const so = s * dim
    const oo = o * dim
    const ro = p * dim
    let x = 0
    if (this.kind === 'distmult') {
      for (let i = 0; i < dim; i++)
        x += (E[so + i] as number) * (R[ro + i] as number) * (E[oo + i] as number)
      return x
    }
    const h = this.half
    for (let i = 0; i < h; i++) {
      const sr = E[so + i] as number
      const si = E[so + h + i] as number
      const rr = R[ro + i] as number
      const ri = R[ro + h + i] as number
      const or = E[oo + i] as number
      const oi = E[oo + h + i] as number
      x += sr * rr * or + si * rr * oi + sr * ri * oi - si * ri * or
    }
    return x
  }

  /** Add g * d(score)/d(params) into the gradient buffers. */
  backward(p: number, s: number, o: number, g: number, gE: Float32Array, gR: Float32Array): void {
    const { E, R, dim } = this
    const so = s * dim
    const oo = o * dim
    const ro = p * dim
    if (this.kind === 'distmult') {
      for (let i = 0; i < dim; i++) {
        const a = E[so + i] as number
        const r = R[ro + i] as number
        const b = E[oo + i] as number
        gE[so + i] = (gE[so + i] as number) + g * r * b
        gE[oo + i] = (gE[oo + i] as number) + g * a * r
        gR[ro + i] = (gR[ro + i] as number) + g * a * b
      }
      return
    }
    const h = this.half
    for (let i = 0; i < h; i++) {
      const sr = E[so + i] as number
      const si = E[so + h + i] as number
      const rr = R[ro + i] as number
      const ri = R[ro + h + i] as number
      const or = E[oo + i] as number
      const oi = E[oo + h + i] as number
      gE[so + i] = (gE[so + i] as number) + g * (rr * or + ri * oi)
      gE[so + h + i] = (gE[so + h + i] as number) + g * (rr * oi - ri * or)
      gE[oo + i] = (gE[oo + i] as number) + g * (sr * rr - si * ri)
      gE[oo + h + i] = (gE[oo + h + i] as number) + g * (si * rr + sr * ri)
      gR[ro + i] = (gR[ro + i] as number) + g * (sr * or + si * oi)
      gR[ro + h + i] = (gR[ro + h + i] as number) + g * (sr * oi - si * or)
    }
  }

  /** Scores of (p, fixed, c) for every entity c, or of (p, c, fixed). */
  candidates(p: number, fixed: number, at: 'object' | 'subject'): Float64Array {
    const out = new Float64Array(this.nEnt)
    for (let c = 0; c < this.nEnt; c++)
      out[c] = at === 'object' ? this.score(p, fixed, c) : this.score(p, c, fixed)
    return out
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

export function trainEmbedding(
  kb: KnowledgeBase,
  kind: EmbeddingKind,
  params: EmbeddingParams,
  rng: Rng,
  now: () => number,
): { model: EmbeddingModel; epochS: number[]; loss: number } {
  const nRel = kb.relations.length + kb.patterns.length
  const nEnt = kb.entities.length
  const model = new EmbeddingModel(kind, nEnt, nRel, params.dim, rng.fork('init'))
  const gE = new Float32Array(model.E.length)
  const gR = new Float32Array(model.R.length)
  const aE = new Float32Array(model.E.length)
  const aR = new Float32Array(model.R.length)
  const order = Array.from({ length: kb.train.length }, (_, i) => i)
  const epochS: number[] = []
  let loss = 0
  const brng = rng.fork('batches')
  const step = (P: Float32Array, G: Float32Array, A: Float32Array) => {
    for (let i = 0; i < P.length; i++) {
      const g = (G[i] as number) + params.l2 * (P[i] as number) * (G[i] !== 0 ? 1 : 0)
      if (g === 0) continue
      A[i] = (A[i] as number) + g * g
      P[i] = (P[i] as number) - (params.lr * g) / (Math.sqrt(A[i] as number) + 1e-8)
      G[i] = 0
    }
  }
  for (let e = 0; e < params.epochs; e++) {
    const t0 = now()
    brng.shuffle(order)
    let sum = 0
    let n = 0
    for (let b = 0; b < order.length; b += params.batch) {
      const ids = order.slice(b, b + params.batch)
      for (const i of ids) {
        const [p, s, o] = kb.train[i] as [number, number, number]
        const goals: [number, number, number, number][] = [[p, s, o, 1]]
        for (let c = 0; c < params.negatives; c++) {
          goals.push([p, brng.int(nEnt), o, 0], [p, s, brng.int(nEnt), 0])
        }
        for (const [gp, gs, go, y] of goals) {
          const pr = sigmoid(model.score(gp, gs, go))
          sum += -(y * Math.log(pr + 1e-12) + (1 - y) * Math.log(1 - pr + 1e-12))
          n++
          model.backward(gp, gs, go, (pr - y) / ids.length, gE, gR)
        }
      }
      step(model.E, gE, aE)
      step(model.R, gR, aR)
    }
    loss = sum / Math.max(1, n)
    epochS.push((now() - t0) / 1000)
  }
  return { model, epochS, loss }
}

export function runEmbeddingTrial(
  ctx: TrialContext,
  kb: KnowledgeBase,
  kind: EmbeddingKind,
  params: EmbeddingParams,
): Metrics {
  const timing = params.trainUpTo !== undefined && kb.train.length > params.trainUpTo
  const t0 = ctx.now()
  const { model, epochS, loss } = trainEmbedding(
    kb,
    kind,
    timing ? { ...params, epochs: 1 } : params,
    ctx.rng.fork('train'),
    ctx.now,
  )
  const trainS = (ctx.now() - t0) / 1000
  const costs: Metrics = {
    epoch_s: metric(median(epochS), 's', 'lower', epochS),
    facts: metric(kb.train.length, 'count', 'higher'),
    train_loss: metric(loss, 'nats', 'lower'),
    train_s: metric(trainS, 's', 'lower'),
  }
  if (timing) return costs
  const t1 = ctx.now()
  const q = evaluateKb(
    kb,
    {
      triple: (p, s, o) => model.score(p, s, o),
      candidates: (p, f, at) => model.candidates(p, f, at),
    },
    params.evalTriples,
    ctx.rng.fork('eval'),
  )
  return {
    ...qualityMetrics(q),
    ...costs,
    eval_s: metric((ctx.now() - t1) / 1000, 's', 'lower'),
  }
}
