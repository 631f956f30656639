/**
 * One arm of the Hash Layers study, shared by the hash method and its baselines (Switch, dense,
 * dense-wide), so that every arm is trained and measured the same way:
 *
 *   model:    the MoE decoder of moe-lm.ts; the FFN of each block in `moeLayers` is the arm's
 *             (K routed experts, a Switch layer, a dense FFN of width `ffn`, or K·`ffn` wide)
 *   routes:   hash tables built before training (balanced: from training counts; clustered:
 *             k-means of the input embeddings of the dense arm, trained first and shared
 *             through the artifact cache)
 *   train:    Adam, `steps` batches of `batchSize` random windows of T+1 tokens; the windows
 *             and the initial weights come from the shared seed, so every arm sees the same
 *             tokens in the same order (equal tokens seen)
 *   measure:  validation and test perplexity on the first `evalTokens` tokens of each split
 *             (non-overlapping windows of T), expert load on the validation tokens, parameters,
 *             active FLOPs per token; tokens/s of training (wall clock), of the sparse-dispatch
 *             inference (whole model, typed arrays) and of the FFN sublayer alone, interleaved
 *             with a dense FFN of the same active width (the routing overhead); inference in
 *             tokens per CPU-second of the process (see cpuMs)
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { type LmCorpus, tokenCounts } from '../../datasets/lm-corpus.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { hashOf } from '../../harness/hash.ts'
import { Rng } from '../../harness/run/rng.ts'
import { mean, median } from '../../harness/stats/describe.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { activeParams, countParams, flopsPerToken } from './costs.ts'
import { ffnForward, inferLogits, toArrays } from './infer.ts'
import {
  type BlockRoutes,
  crossEntropy,
  disposeWeights,
  type FfnSpec,
  forward,
  initWeights,
  type LmConfig,
  type Weights,
} from './moe-lm.ts'
import {
  balancedTable,
  bigramRouter,
  type HashRouter,
  type HashRouting,
  kMeans,
  loadStats,
  multiHashRouter,
  oracleRouter,
  positionRouter,
  type RouteFeatures,
  randomTable,
  tokenRouter,
} from './routing.ts'

const positiveInt = z.number().int().positive()

/** What every arm shares: model sizes, training and measurement. */
export const ArmParams = z.strictObject({
  /** @default 32 */
  dModel: positiveInt.default(32),
  /** @default 2 */
  heads: positiveInt.default(2),
  /** @default 2 */
  layers: positiveInt.default(2),
  /** FFN width of one expert (and of the dense arm). @default 64 */
  ffn: positiveInt.default(64),
  /** @default 32 */
  seqLength: positiveInt.default(32),
  /** 1-based blocks whose FFN is the arm's. @default [2] */
  moeLayers: z.array(positiveInt).min(1).default([2]),
  /** Experts K (dense-wide: width K·ffn). @default 8 */
  experts: positiveInt.default(8),
  /** Optimizer steps (equal for every arm). @default 300 */
  steps: positiveInt.default(300),
  /** Sequences per step. @default 16 */
  batchSize: positiveInt.default(16),
  /** Adam learning rate. @default 0.003 */
  learningRate: z.number().positive().default(0.003),
  /** Tokens of each of validation and test measured. @default 16384 */
  evalTokens: positiveInt.default(16_384),
  /** Sequences per timed inference call. @default 8 */
  inferBatch: positiveInt.default(8),
  /** Timed samples of each inference measurement. @default 15 */
  inferSamples: positiveInt.default(15),
})
export type ArmParams = z.output<typeof ArmParams>

/** What distinguishes one arm. */
export type Arm =
  | { kind: 'dense'; wide: boolean }
  | { kind: 'hash'; routing: HashRouting; segments: number }
  | { kind: 'switch'; alpha: number; capacityFactor: number }

/** The model of an arm. */
export function armConfig(p: ArmParams, arm: Arm, vocabSize: number): LmConfig {
  for (const l of p.moeLayers)
    if (l > p.layers)
      throw new RangeError(
        `Cannot build arm: moeLayers holds ${l} but the model has ${p.layers} layers`,
      )
  const K = p.experts
  const moe: FfnSpec =
    arm.kind === 'dense'
      ? { kind: 'dense', width: arm.wide ? K * p.ffn : p.ffn }
      : arm.kind === 'hash'
        ? { kind: 'routed', experts: K, width: p.ffn, segments: arm.segments }
        : {
            kind: 'switch',
            experts: K,
            width: p.ffn,
            alpha: arm.alpha,
            capacityFactor: arm.capacityFactor,
          }
  return {
    vocabSize,
    seqLength: p.seqLength,
    dModel: p.dModel,
    heads: p.heads,
    blocks: Array.from({ length: p.layers }, (_, i) =>
      p.moeLayers.includes(i + 1) ? moe : { kind: 'dense' as const, width: p.ffn },
    ),
  }
}

/** Route features of windows starting at `starts` (each reads T+1 tokens from start − 1). */
export function windowFeatures(
  stream: Int32Array,
  starts: readonly number[],
  t: number,
): RouteFeatures {
  const n = starts.length * t
  const f: RouteFeatures = {
    cur: new Int32Array(n),
    prev: new Int32Array(n),
    target: new Int32Array(n),
    pos: new Int32Array(n),
  }
  starts.forEach((s, b) => {
    for (let i = 0; i < t; i++) {
      const j = b * t + i
      f.cur[j] = stream[s + i] as number
      f.prev[j] = s + i > 0 ? (stream[s + i - 1] as number) : -1
      f.target[j] = stream[s + i + 1] as number
      f.pos[j] = i
    }
  })
  return f
}

/** The hash routers of one block (fresh tables per block, from `rng`). */
function hashRouter(
  routing: HashRouting,
  segments: number,
  K: number,
  corpus: LmCorpus,
  rng: Rng,
  clusterTable: () => Promise<Int32Array>,
): Promise<HashRouter> | HashRouter {
  const V = corpus.vocab.length
  switch (routing) {
    case 'hash-random':
      return tokenRouter(randomTable(V, K, rng))
    case 'hash-balanced':
      return tokenRouter(balancedTable(tokenCounts(corpus.train, V), K))
    case 'hash-clustered':
      return clusterTable().then(tokenRouter)
    case 'hash-bigram':
      return bigramRouter(V, K, rng.nextUint32())
    case 'hash-position':
      return positionRouter(K)
    case 'oracle':
      return oracleRouter(randomTable(V, K, rng))
    case 'multihash':
      return multiHashRouter(
        Array.from({ length: segments }, (_, s) => randomTable(V, K, rng.fork(`segment-${s}`))),
      )
  }
}

function corpusKey(corpus: LmCorpus): string {
  return hashOf({
    vocab: corpus.vocab.length,
    lengths: [corpus.train.length, corpus.valid.length, corpus.test.length],
    head: Array.from(corpus.train.subarray(0, 256)),
    tail: Array.from(corpus.test.subarray(0, 256)),
  })
}

interface Trained {
  weights: Weights
  cfg: LmConfig
  trainSeconds: number
  /** CPU time of the process over the training steps. */
  cpuSeconds: number
  finalLoss: number
  /** Fraction of tokens dropped by Switch capacity, mean over steps (summed over blocks). */
  dropped: number
}

/** Trains an arm from the shared seed; see the module comment. */
async function train(
  ctx: TrialContext,
  p: ArmParams,
  cfg: LmConfig,
  corpus: LmCorpus,
  routers: readonly (HashRouter | undefined)[],
): Promise<Trained> {
  const shared = new Rng(ctx.sharedSeed)
  const weights = initWeights(cfg, shared.fork('init'))
  const vars = [...weights.values()]
  const opt = tf.train.adam(p.learningRate)
  const batches = shared.fork('batches')
  const t = p.seqLength
  const span = corpus.train.length - t - 2
  let seconds = 0
  let cpuSeconds = 0
  let dropped = 0
  const losses: number[] = []
  for (let step = 0; step < p.steps; step++) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    const starts = Array.from({ length: p.batchSize }, () => 1 + batches.int(span))
    const f = windowFeatures(corpus.train, starts, t)
    const routes: BlockRoutes = routers.map((r) => r?.(f))
    const t0 = ctx.now()
    const c0 = cpuMs()
    const cost = tf.tidy(
      () =>
        opt.minimize(
          () => {
            const r = forward(weights, cfg, f.cur, routes, { training: true })
            for (const d of r.dropped) dropped += (d ?? 0) / p.steps
            return tf.add(crossEntropy(r.logits, f.target), r.aux) as tf.Scalar
          },
          true,
          vars,
        ) ?? tf.scalar(Number.NaN),
    )
    const loss = (await cost.data())[0] ?? Number.NaN
    cost.dispose()
    seconds += (ctx.now() - t0) / 1000
    cpuSeconds += (cpuMs() - c0) / 1000
    losses.push(loss)
    if (step % 20 === 0) ctx.progress.update(step, p.steps, 'steps')
  }
  opt.dispose()
  const tail = losses.slice(-Math.max(1, Math.floor(p.steps / 10)))
  return { weights, cfg, trainSeconds: seconds, cpuSeconds, finalLoss: mean(tail), dropped }
}

interface Evaluation {
  ppl: number
  /** Per block: experts chosen on the measured tokens (routed and Switch blocks). */
  chosen: (Int32Array[] | undefined)[]
}

function evaluate(
  m: Trained,
  stream: Int32Array,
  p: ArmParams,
  routers: readonly (HashRouter | undefined)[],
): Evaluation {
  const t = p.seqLength
  const windows = Math.max(
    1,
    Math.min(Math.floor(p.evalTokens / t), Math.floor((stream.length - 2) / t)),
  )
  let nll = 0
  let count = 0
  const chosen: (Int32Array[] | undefined)[] = m.cfg.blocks.map((b) =>
    b.kind === 'dense' ? undefined : [],
  )
  const perCall = 32
  for (let w0 = 0; w0 < windows; w0 += perCall) {
    const starts: number[] = []
    for (let w = w0; w < Math.min(windows, w0 + perCall); w++) starts.push(w * t)
    const f = windowFeatures(stream, starts, t)
    const routes: BlockRoutes = routers.map((r) => r?.(f))
    const loss = tf.tidy(() => {
      const r = forward(m.weights, m.cfg, f.cur, routes, { training: false })
      r.chosen.forEach((c, l) => {
        if (c) chosen[l]?.push(c)
      })
      return crossEntropy(r.logits, f.target).dataSync()[0] as number
    })
    nll += loss * f.cur.length
    count += f.cur.length
  }
  return { ppl: Math.exp(nll / count), chosen }
}

function concat(parts: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((a, x) => a + x.length, 0))
  let o = 0
  for (const x of parts) {
    out.set(x, o)
    o += x.length
  }
  return out
}

/**
 * CPU time of this process in ms. Inference is timed in CPU time, not wall time: on the shared,
 * loaded 2-core machine a wall-clock sample mostly measures how long the scheduler kept the
 * process waiting, while the process's CPU time measures the work the call did.
 */
function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Tokens per CPU-second of one call of `fn` on `tokens` tokens. */
function rate(fn: () => unknown, tokens: number): number {
  const t0 = cpuMs()
  fn()
  return tokens / Math.max((cpuMs() - t0) / 1000, 1e-6)
}

/** The dense arm, trained once per (params, data, shared seed) and reused (clustered hash). */
function denseArm(ctx: TrialContext, p: ArmParams, corpus: LmCorpus): Promise<Trained> {
  const cfg = armConfig(p, { kind: 'dense', wide: false }, corpus.vocab.length)
  const { inferBatch: _a, inferSamples: _b, evalTokens: _c, experts: _d, ...trainParams } = p
  return ctx.cache.getOrCreate(
    { artifact: 'hash-layers/dense', trainParams, data: corpusKey(corpus), seed: ctx.sharedSeed },
    () =>
      train(
        ctx,
        p,
        cfg,
        corpus,
        cfg.blocks.map(() => undefined),
      ),
  )
}

/** Runs one arm: build routes, train, measure. */
export async function runArm(
  ctx: TrialContext,
  p: ArmParams,
  arm: Arm,
  corpus: LmCorpus,
): Promise<Metrics> {
  const runtime = await initTfjs()
  ctx.annotate('backend', runtime.backend)
  ctx.annotate('threads', runtime.threads)
  const V = corpus.vocab.length
  const cfg = armConfig(p, arm, V)
  const K = p.experts
  const tables = new Rng(ctx.sharedSeed).fork('routing')
  const clusterTable = async () => {
    const dense = await denseArm(ctx, p, corpus)
    const emb = dense.weights.get('tok_emb')?.dataSync() as Float32Array
    return kMeans(Float32Array.from(emb), V, p.dModel, K, tables.fork('kmeans'))
  }
  const routers: (HashRouter | undefined)[] = []
  for (const [l, spec] of cfg.blocks.entries())
    routers.push(
      spec.kind === 'routed' && arm.kind === 'hash'
        ? await hashRouter(
            arm.routing,
            arm.segments,
            K,
            corpus,
            tables.fork(`block-${l}`),
            clusterTable,
          )
        : undefined,
    )
  const isPlainDense = arm.kind === 'dense' && !arm.wide
  const trained = isPlainDense
    ? await denseArm(ctx, p, corpus)
    : await train(ctx, p, cfg, corpus, routers)
  try {
    const valid = evaluate(trained, corpus.valid, p, routers)
    const test = evaluate(trained, corpus.test, p, routers)
    const tokensSeen = p.steps * p.batchSize * p.seqLength
    const metrics: Metrics = {
      val_ppl: metric(valid.ppl, '', 'lower'),
      test_ppl: metric(test.ppl, '', 'lower'),
      params: metric(countParams(cfg), '', 'lower'),
      active_params: metric(activeParams(cfg), '', 'lower'),
      flops_per_token: metric(flopsPerToken(cfg), 'FLOP', 'lower'),
      train_tokens_per_s: metric(tokensSeen / trained.trainSeconds, 'tok/s', 'higher'),
      train_tokens_per_cpu_s: metric(tokensSeen / trained.cpuSeconds, 'tok/cpu-s', 'higher'),
      train_s: metric(trained.trainSeconds, 's', 'lower'),
      final_train_loss: metric(trained.finalLoss, 'nats', 'lower'),
      tokens_seen: metric(tokensSeen, '', 'higher'),
    }
    // Load of the routed blocks on the validation tokens (mean over routed blocks).
    const loads = valid.chosen.flatMap((c) => (c ? [loadStats(concat(c), K)] : []))
    if (arm.kind === 'switch') metrics.train_dropped = metric(trained.dropped, '', 'lower')
    if (loads.length > 0) {
      metrics.load_max_mean = metric(mean(loads.map((s) => s.maxOverMean)), '', 'lower')
      metrics.load_entropy = metric(mean(loads.map((s) => s.normEntropy)), '', 'higher')
    }
    // Inference: the whole model with sparse dispatch, then the FFN sublayer alone against a
    // dense FFN of the same active width, interleaved sample by sample.
    const arrays = toArrays(trained.weights)
    const t = p.seqLength
    const starts = Array.from({ length: p.inferBatch }, (_, i) => i * t)
    const f = windowFeatures(corpus.test, starts, t)
    const n = f.cur.length
    const inferCall = () => inferLogits(arrays, cfg, f, routers)
    for (let i = 0; i < 2; i++) inferCall()
    const infer = Array.from({ length: p.inferSamples }, () => rate(inferCall, n))
    metrics.infer_tokens_per_s = metric(median(infer), 'tok/cpu-s', 'higher', infer)
    const l0 = cfg.blocks.findIndex((_, i) => p.moeLayers.includes(i + 1))
    const spec = cfg.blocks[l0] as FfnSpec
    const rng = ctx.rng.fork('ffn-input')
    const h = Float32Array.from({ length: n * p.dModel }, () => rng.normal())
    const refSpec: FfnSpec = { kind: 'dense', width: p.ffn }
    const ref = new Map<string, Float32Array>([
      ['ref.ffn1.w', Float32Array.from({ length: p.dModel * p.ffn }, () => rng.normal() * 0.1)],
      ['ref.ffn1.b', new Float32Array(p.ffn)],
      ['ref.ffn2.w', Float32Array.from({ length: p.ffn * p.dModel }, () => rng.normal() * 0.1)],
      ['ref.ffn2.b', new Float32Array(p.dModel)],
    ])
    const router = routers[l0]
    const ffnRuns: number[] = []
    const refRuns: number[] = []
    const moeCall = () =>
      ffnForward(arrays, spec, `b${l0}`, h, n, p.dModel, router ? router(f) : undefined)
    const refCall = () => ffnForward(ref, refSpec, 'ref', h, n, p.dModel, undefined)
    for (let i = 0; i < 5; i++) {
      moeCall()
      refCall()
    }
    for (let i = 0; i < Math.max(3, p.inferSamples * 4); i++) {
      ffnRuns.push(rate(moeCall, n))
      refRuns.push(rate(refCall, n))
    }
    metrics.ffn_tokens_per_s = metric(median(ffnRuns), 'tok/cpu-s', 'higher', ffnRuns)
    metrics.ffn_speed_vs_dense = metric(median(ffnRuns) / median(refRuns), '×', 'higher')
    return metrics
  } finally {
    if (!isPlainDense) disposeWeights(trained.weights)
  }
}
