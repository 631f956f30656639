/**
 * Training of a neural prover (NTP or GNTP): mini-batches of positives with the leave-one-out
 * mask, each with C subject and C object corruptions, logistic loss on the max-proof score,
 * lazy Adam; GNTP rebuilds its fact index every `refreshEvery` batches.
 */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { ExhaustiveFacts, type FactSource, KnnFacts } from './fact-source.ts'
import { buildNeuralKb, encodePatterns, type NeuralKb } from './neural-kb.ts'
import { accumulate, goalLoss, LazyAdam, RowGrad } from './objective.ts'
import { bottleneck, Prover, proofKernels } from './prover.ts'

export interface ProverArm {
  kind: 'ntp' | 'gntp'
  /** GNTP: facts retrieved per subgoal (-F). */
  kFacts: number
  /** GNTP: rule heads tried per goal (-R). */
  kRules: number
  /** NTP: substitutions kept for a free variable (k_max). */
  kMax: number
  /** GNTP: batches between index rebuilds. */
  refreshEvery: number
  /** GNTP: nearest entities kept per entity in the index. */
  neighbours: number
  /** GNTP: exact k-NN (true) or the approximate neighbour-bounded search. */
  exact: boolean
}

export interface ProverTraining {
  dim: number
  init: number
  epochs: number
  batch: number
  lr: number
  l2: number
  /** Corruptions of each side per positive (C). */
  negatives: number
  cycleGuard: boolean
  /** Batches per epoch actually run (timing sweeps at large |F|); epoch time is then extrapolated. */
  maxBatches?: number | undefined
  /** Rule instances per template (overrides the KB's). */
  instances?: number | undefined
}

export interface TrainStats {
  /** Wall time per epoch, seconds (extrapolated from the batches run when capped). */
  epochS: number[]
  /** Training time per goal, ms, one sample per batch. */
  goalMs: number[]
  unificationsPerGoal: number
  searchesPerGoal: number
  workBytes: number
  peakRssMb: number
  extrapolated: boolean
  finalLoss: number
  /** GNTP: share of index queries whose neighbour lists ran out (then a scan, if exact). */
  fallbackShare: number
}

export interface TrainedProver {
  nkb: NeuralKb
  prover: Prover
  source: FactSource
  stats: TrainStats
}

/** A prover over `nkb` for one arm. */
export function makeProver(nkb: NeuralKb, arm: ProverArm, cycleGuard: boolean): Prover {
  if (arm.kind === 'ntp')
    return new Prover(nkb, new ExhaustiveFacts(nkb), { kBind: arm.kMax, cycleGuard })
  return new Prover(nkb, new KnnFacts(nkb, arm.kFacts, arm.neighbours, arm.exact), {
    kBind: arm.kFacts,
    kRules: arm.kRules,
    cycleGuard,
  })
}

export function trainProver(
  kb: KnowledgeBase,
  arm: ProverArm,
  opts: ProverTraining,
  rng: Rng,
  now: () => number,
  onEpoch?: (epoch: number) => void,
): TrainedProver {
  const nkb = buildNeuralKb(kb, {
    dim: opts.dim,
    init: opts.init,
    rng: rng.fork('init'),
    instances: opts.instances,
  })
  const prover = makeProver(nkb, arm, opts.cycleGuard)
  const source = prover.source
  const grad = new RowGrad(nkb.rows, nkb.dim)
  const wordGrad = new Float32Array(nkb.words.length)
  const adam = new LazyAdam(nkb.W.length, nkb.dim, opts.lr, opts.l2)
  const adamWords = new LazyAdam(nkb.words.length, nkb.dim, opts.lr, opts.l2)
  const nPat = nkb.patternWords.length
  const nE = kb.entities.length
  const order = Array.from({ length: kb.train.length }, (_, i) => i)
  const perEpoch = Math.ceil(order.length / opts.batch)
  const batches = Math.min(perEpoch, opts.maxBatches ?? perEpoch)
  const stats: TrainStats = {
    epochS: [],
    goalMs: [],
    unificationsPerGoal: 0,
    searchesPerGoal: 0,
    workBytes: source.workBytes,
    peakRssMb: process.memoryUsage().rss / 2 ** 20,
    extrapolated: batches < perEpoch,
    finalLoss: 0,
    fallbackShare: 0,
  }
  let goals = 0
  let batchNo = 0
  const drng = rng.fork('batches')
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    drng.shuffle(order)
    let epochMs = 0
    let lossSum = 0
    let lossN = 0
    for (let b = 0; b < batches; b++) {
      const t0 = now()
      if (arm.kind === 'gntp' && batchNo > 0 && batchNo % arm.refreshEvery === 0)
        (source as KnnFacts).refresh()
      batchNo++
      encodePatterns(nkb)
      grad.clear()
      const ids = order.slice(b * opts.batch, (b + 1) * opts.batch)
      const batchGoals: [number, number, number, number, boolean][] = []
      for (const i of ids) {
        const p = nkb.fp[i] as number
        const s = nkb.fs[i] as number
        const o = nkb.fo[i] as number
        batchGoals.push([p, s, o, i, true])
        for (let c = 0; c < opts.negatives; c++) {
          batchGoals.push([p, nkb.entityBase + drng.int(nE), o, -1, false])
          batchGoals.push([p, s, nkb.entityBase + drng.int(nE), -1, false])
        }
      }
      for (const [p, s, o, mask, y] of batchGoals) {
        const proof = prover.prove(p, s, o, mask)
        if (!Number.isFinite(proof.cost)) {
          lossSum += goalLoss(proof.cost, y).loss
          lossN++
          continue
        }
        const bn = bottleneck(proofKernels(nkb, p, s, o, proof))
        const { loss, dD2 } = goalLoss(bn.d2, y)
        lossSum += loss
        lossN++
        if (dD2 !== 0) accumulate(nkb, bn, dD2 / batchGoals.length, grad)
      }
      // Pattern rows are means of word vectors: hand their gradient down to the words.
      const rows: number[] = []
      const words = new Set<number>()
      for (const r of grad.touched) {
        if (r >= nkb.nRel && r < nkb.nRel + nPat) {
          const ws = nkb.patternWords[r - nkb.nRel] as number[]
          for (const w of ws) {
            words.add(w)
            for (let j = 0; j < nkb.dim; j++)
              wordGrad[w * nkb.dim + j] =
                (wordGrad[w * nkb.dim + j] as number) +
                (grad.g[r * nkb.dim + j] as number) / ws.length
          }
        } else rows.push(r)
      }
      adam.step(nkb.W, grad.g, rows)
      if (words.size > 0) {
        adamWords.step(nkb.words, wordGrad, words)
        for (const w of words) wordGrad.fill(0, w * nkb.dim, (w + 1) * nkb.dim)
      }
      const ms = now() - t0
      epochMs += ms
      goals += batchGoals.length
      stats.goalMs.push(ms / batchGoals.length)
      stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / 2 ** 20)
    }
    stats.epochS.push((epochMs / 1000) * (perEpoch / batches))
    stats.finalLoss = lossSum / Math.max(1, lossN)
    onEpoch?.(epoch)
  }
  encodePatterns(nkb)
  stats.unificationsPerGoal = (source.unifications + prover.headUnifications) / Math.max(1, goals)
  stats.searchesPerGoal = source.searches / Math.max(1, goals)
  stats.fallbackShare =
    source instanceof KnnFacts ? source.fallbacks / Math.max(1, source.queries) : 0
  return { nkb, prover, source, stats }
}
