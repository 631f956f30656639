/**
 * Cohesion fine-tuning of a supra embedding (the paper's loss is not readable; two candidates).
 *
 *   start:   node vectors x_i = mean of the copies; K centroids by k-means (ml-kmeans)
 *   step:    a cohesion gradient step on the node vectors, applied to every copy of the node
 *            (the mean's gradient, scaled by L), then an anchor: skip-gram on a slice of the
 *            walk corpus (together `anchor` of one epoch, at a fifth of the initial rate)
 *   losses:  `dec`    — DEC: KL(P‖Q), q_ij ∝ (1 + ‖x̃_i − μ_j‖²)⁻¹ (Student t), target
 *                       p_ij ∝ q_ij² / Σ_i q_ij, on the vectors standardised by their spread
 *                       (x̃ = (x − m)/σ, σ² = mean ‖x − m‖²) so the kernel's scale is the data's
 *            `kmeans` — discriminative k-means as a trace ratio: minimise tr(S_w)/tr(S_t) for the
 *                       nearest-centroid assignment; the step moves x_i by
 *                       −η[(x_i − μ_c(i)) − J (x_i − m)] (the gradient × N·tr(S_t)/2)
 */
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import { copyMean, type EmbedParams } from '../../studies/multilayer/embed.ts'
import type { SkipGramModel } from '../../studies/multilayer/skipgram.ts'
import { trainSkipGram } from '../../studies/multilayer/skipgram.ts'
import { kmeansLabels } from '../../studies/multilayer/tasks.ts'
import type { WalkCorpus } from '../../studies/multilayer/walks.ts'

export const FinetuneParams = z.strictObject({
  /** Cohesion loss, or none. @default 'dec' */
  loss: z.enum(['none', 'dec', 'kmeans']).default('dec'),
  /** Fine-tuning iterations. @default 20 */
  iterations: z.number().int().min(1).default(20),
  /** Step size η of the cohesion update. @default 0.1 */
  step: z.number().positive().default(0.1),
  /** Skip-gram anchor: fraction of one corpus epoch replayed over the fine-tuning. @default 0.2 */
  anchor: z.number().min(0).default(0.2),
})
export type FinetuneParams = z.output<typeof FinetuneParams>

export interface FinetuneTrace {
  /** Loss value at the start and the end (KL for dec, tr(S_w)/tr(S_t) for kmeans). */
  before: number
  after: number
}

/** DEC's KL gradient on x̃ (returned in `grad`, n × dim) and the KL value. */
function decGradient(
  x: Float64Array,
  mu: Float64Array,
  n: number,
  k: number,
  dim: number,
  grad: Float64Array,
  gradMu: Float64Array,
) {
  const q = new Float64Array(n * k)
  const kern = new Float64Array(n * k)
  const f = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      let d2 = 0
      for (let d = 0; d < dim; d++)
        d2 += ((x[i * dim + d] as number) - (mu[j * dim + d] as number)) ** 2
      const v = 1 / (1 + d2)
      kern[i * k + j] = v
      s += v
    }
    for (let j = 0; j < k; j++) {
      q[i * k + j] = (kern[i * k + j] as number) / s
      f[j] = (f[j] as number) + (q[i * k + j] as number)
    }
  }
  grad.fill(0)
  gradMu.fill(0)
  let kl = 0
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < k; j++) s += (q[i * k + j] as number) ** 2 / (f[j] as number)
    for (let j = 0; j < k; j++) {
      const qij = q[i * k + j] as number
      const pij = qij ** 2 / (f[j] as number) / s
      kl += pij * Math.log(pij / qij)
      const c = 2 * (kern[i * k + j] as number) * (pij - qij)
      for (let d = 0; d < dim; d++) {
        const diff = (x[i * dim + d] as number) - (mu[j * dim + d] as number)
        grad[i * dim + d] = (grad[i * dim + d] as number) + c * diff
        gradMu[j * dim + d] = (gradMu[j * dim + d] as number) - c * diff
      }
    }
  }
  return kl / n
}

/** Fine-tunes `model` (the copies of n nodes in L layers) in place toward K cohesive clusters. */
export function finetune(
  rng: Rng,
  model: SkipGramModel,
  corpus: WalkCorpus,
  n: number,
  layers: number,
  k: number,
  p: FinetuneParams,
  sg: EmbedParams,
): FinetuneTrace {
  if (p.loss === 'none') return { before: Number.NaN, after: Number.NaN }
  const { dim, input } = model
  const start = copyMean(input, n, layers, dim)
  const km = kmeansLabels(start, n, dim, k, rng.int(2 ** 31))
  const mu = Float64Array.from(km.centroids.flat())
  const x = new Float64Array(n * dim)
  const grad = new Float64Array(n * dim)
  const gradMu = new Float64Array(k * dim)
  const assign = Int32Array.from(km.labels)
  const slice = Math.floor((p.anchor * corpus.walks) / p.iterations)
  const sgRng = rng.fork('anchor')
  let before = Number.NaN
  let last = Number.NaN
  for (let it = 0; it < p.iterations; it++) {
    const cur = copyMean(input, n, layers, dim)
    const m = new Float64Array(dim)
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++) m[d] = (m[d] as number) + (cur[i * dim + d] as number) / n
    let spread = 0
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++)
        spread += ((cur[i * dim + d] as number) - (m[d] as number)) ** 2 / n
    if (p.loss === 'dec') {
      const sigma = Math.sqrt(spread) + 1e-12
      if (it === 0)
        for (let j = 0; j < k * dim; j++)
          mu[j] = ((mu[j] as number) - (m[j % dim] as number)) / sigma
      for (let i = 0; i < n * dim; i++) x[i] = ((cur[i] as number) - (m[i % dim] as number)) / sigma
      last = decGradient(x, mu, n, k, dim, grad, gradMu)
      // x̃ moves by −η∇; in the original units that is −η σ ∇.
      for (let i = 0; i < n * dim; i++) grad[i] = p.step * sigma * (grad[i] as number)
      for (let j = 0; j < k * dim; j++)
        mu[j] = (mu[j] as number) - (p.step * (gradMu[j] as number) * k) / n
    } else {
      // Nearest-centroid assignment, centroids as means, then the trace-ratio step.
      const sums = new Float64Array(k * dim)
      const counts = new Float64Array(k)
      let within = 0
      for (let i = 0; i < n; i++) {
        let best = 0
        let bestD = Infinity
        for (let j = 0; j < k; j++) {
          let d2 = 0
          for (let d = 0; d < dim; d++)
            d2 += ((cur[i * dim + d] as number) - (mu[j * dim + d] as number)) ** 2
          if (d2 < bestD) {
            bestD = d2
            best = j
          }
        }
        assign[i] = best
        counts[best] = (counts[best] as number) + 1
        for (let d = 0; d < dim; d++)
          sums[best * dim + d] = (sums[best * dim + d] as number) + (cur[i * dim + d] as number)
      }
      for (let j = 0; j < k; j++)
        if ((counts[j] as number) > 0)
          for (let d = 0; d < dim; d++)
            mu[j * dim + d] = (sums[j * dim + d] as number) / (counts[j] as number)
      for (let i = 0; i < n; i++) {
        const c = assign[i] as number
        for (let d = 0; d < dim; d++)
          within += ((cur[i * dim + d] as number) - (mu[c * dim + d] as number)) ** 2 / n
      }
      const ratio = within / (spread + 1e-12)
      last = ratio
      for (let i = 0; i < n; i++) {
        const c = assign[i] as number
        for (let d = 0; d < dim; d++) {
          const v = cur[i * dim + d] as number
          grad[i * dim + d] =
            p.step * (v - (mu[c * dim + d] as number) - ratio * (v - (m[d] as number)))
        }
      }
    }
    if (it === 0) before = last
    for (let l = 0; l < layers; l++)
      for (let i = 0; i < n; i++)
        for (let d = 0; d < dim; d++)
          input[(l * n + i) * dim + d] =
            (input[(l * n + i) * dim + d] as number) - (grad[i * dim + d] as number)
    if (slice > 0) {
      const from = sgRng.int(Math.max(1, corpus.walks - slice))
      trainSkipGram(sgRng, model, corpus, { ...sg, epochs: 1, lr: sg.lr / 5 }, from, from + slice)
    }
  }
  return { before, after: last }
}
