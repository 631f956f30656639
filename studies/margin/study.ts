/**
 * One trial of the margin study, shared by every loss (methods/margin) and by the
 * cross-entropy baseline, so that all of them are trained and measured the same way:
 *
 *   data:     MNIST train/test (or train less a held-out validation split, measured instead of
 *             test) -> regime (full, 1%/5% subset, 20%/50% label noise)
 *   train:    zoo MLP or CNN (init and batch order from the shared seed, so every loss starts
 *             from the same weights) -> trainMargin(objective)
 *   measure:  clean accuracy (whole test split) -> on the first `evalN` test points:
 *             first-order margins (input ℓ∞, ℓ2; hidden ℓ2), DeepFool ℓ2, bisection ℓ∞ (and ℓ2),
 *             Spearman(first-order ℓ∞, bisection ℓ∞), robust accuracy per ε (FGSM, PGD) for
 *             ℓ∞ (and ℓ2), feature angle statistics
 *
 * Margins are summarised over the correctly classified evaluated points; per-point values are
 * kept as the metric's samples (for histograms).
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { type ImageDataset, type ImageSplit, toTensors } from '../../datasets/image-data.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { mean, median } from '../../harness/stats/describe.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { cnn } from '../../models/cnn.ts'
import { angleStats } from '../../models/margin/angle-stats.ts'
import { bisectionMargins } from '../../models/margin/bisection-margin.ts'
import { deepFoolL2 } from '../../models/margin/deepfool.ts'
import { firstOrderMargins } from '../../models/margin/first-order-margin.ts'
import { featuresOf, type MarginNet, predictClasses } from '../../models/margin/net.ts'
import type { Objective } from '../../models/margin/objective.ts'
import { applyRegime, holdOut, REGIMES } from '../../models/margin/regimes.ts'
import { robustAccuracy } from '../../models/margin/robust-accuracy.ts'
import { spearman } from '../../models/margin/spearman.ts'
import { trainMargin } from '../../models/margin/trainer.ts'
import { mlp } from '../../models/mlp.ts'

const positiveInt = z.number().int().positive()

/** What every margin-study subject shares: network, regime, training and measurement sizes. */
export const StudyParams = z.strictObject({
  /** @default 'mlp' */
  model: z.enum(['mlp', 'cnn']).default('mlp'),
  /** MLP hidden widths. @default [256] */
  hidden: z.array(positiveInt).default([256]),
  /** CNN conv blocks (3x3 convs, then a 2x2 pool). @default [[16], [32]] */
  blocks: z.array(z.array(positiveInt).min(1)).default([[16], [32]]),
  /** CNN dense widths. @default [128] */
  dense: z.array(positiveInt).default([128]),
  /** @default 'full' */
  regime: z.enum(REGIMES).default('full'),
  /**
   * Training examples held out (stratified) and measured instead of the test split, for
   * choosing hyper-parameters without the test split; 0 measures on the test split. @default 0
   */
  validation: z.number().int().nonnegative().default(0),
  /** Epochs of the full split; subsets train for as many optimizer steps. @default 5 */
  epochs: positiveInt.default(5),
  /** @default 64 */
  batchSize: positiveInt.default(64),
  /** @default 0.001 */
  learningRate: z.number().positive().default(0.001),
  /** Test points whose margins are measured. @default 500 */
  evalN: positiveInt.default(500),
  /** @default 8 */
  bisectSteps: positiveInt.default(8),
  /** PGD iterations per bisection probe. @default 10 */
  bisectPgdSteps: positiveInt.default(10),
  /**
   * Competitor classes the bisection probes with a targeted PGD each (nearest by the first-order
   * estimate first); omitted, every other class. @default every other class
   */
  bisectTargets: z.number().int().nonnegative().optional(),
  /** @default 0.5 */
  epsMaxLinf: z.number().positive().default(0.5),
  /** @default 5 */
  epsMaxL2: z.number().positive().default(5),
  /** @default [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4] */
  epsGridLinf: z.array(z.number().positive()).default([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]),
  /** @default [0.5, 1, 1.5, 2, 2.5, 3] */
  epsGridL2: z.array(z.number().positive()).default([0.5, 1, 1.5, 2, 2.5, 3]),
  /** PGD iterations of the robust-accuracy curves. @default 40 */
  robustPgdSteps: positiveInt.default(40),
  /** Also measure ℓ2 bisection margins and ℓ2 robust accuracy. @default true */
  l2: z.boolean().default(true),
  /** Also measure DeepFool ℓ2 distances. @default true */
  deepfool: z.boolean().default(true),
})
export type StudyParams = z.output<typeof StudyParams>

/** The objective of a trial, built once the network and the training set are known. */
export interface ObjectiveSetup {
  /** Training examples (for per-example memory). */
  n: number
  /** Hidden cut points of the network, first to last (layer names). */
  hiddenCuts: string[]
}

function buildNet(p: StudyParams, rng: Rng): { model: tfl.LayersModel; cuts: string[] } {
  if (p.model === 'mlp') {
    const model = mlp.build(mlp.params.parse({ hidden: p.hidden }), rng)
    return { model, cuts: p.hidden.map((_, i) => `dense${i + 1}`) }
  }
  const params = cnn.params.parse({ blocks: p.blocks, dense: p.dense })
  const model = cnn.build(params, rng)
  return { model, cuts: p.blocks.map((_, b) => `conv${b + 1}_1`) }
}

function take(split: ImageSplit, n: number): ImageSplit {
  const m = Math.min(n, split.n)
  const size = split.height * split.width * split.channels
  return {
    ...split,
    n: m,
    images: split.images.subarray(0, m * size),
    labels: split.labels.subarray(0, m),
  }
}

function summary(values: number[]): { mean: number; median: number } {
  return values.length > 0 ? { mean: mean(values), median: median(values) } : { mean: 0, median: 0 }
}

function epsLabel(e: number): string {
  return String(Math.round(e * 1000) / 1000)
}

/** Trains with `makeObjective(setup)` and measures; see the module comment. */
export async function runMarginStudy(
  ctx: TrialContext,
  p: StudyParams,
  data: ImageDataset,
  makeObjective: (setup: ObjectiveSetup) => Objective,
): Promise<Metrics> {
  const runtime = await initTfjs()
  ctx.annotate('backend', runtime.backend)
  const shared = new Rng(ctx.sharedSeed)
  const held =
    p.validation > 0
      ? holdOut(data.train, data.numClasses, p.validation, shared.fork('validation'))
      : { train: data.train, validation: data.test }
  const measured = held.validation
  const regime = applyRegime(held.train, data.numClasses, p.regime, shared.fork('regime'))
  const layout = p.model === 'mlp' ? 'flat' : 'nhwc'
  const { model, cuts } = buildNet(p, shared.fork('init'))
  const objective = makeObjective({ n: regime.split.n, hiddenCuts: cuts })
  const net: MarginNet = { model, head: objective.head, scale: objective.scale ?? 1 }
  const train = toTensors(regime.split, layout)
  const test = toTensors(measured, layout)
  const evalSplit = take(measured, p.evalN)
  const ev = toTensors(evalSplit, layout)
  try {
    const fullSteps = Math.ceil(held.train.n / p.batchSize) * p.epochs
    const stepsPerEpoch = Math.ceil(regime.split.n / p.batchSize)
    const epochs = Math.max(p.epochs, Math.round(fullSteps / stepsPerEpoch))
    const trained = trainMargin(net, train.x, train.y, objective, {
      rng: shared.fork('train'),
      epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      now: () => ctx.now(),
      signal: ctx.signal,
      onEpoch: (e) => ctx.progress.update(e, epochs, 'epochs'),
    })
    const testPred = predictClasses(net, test.x)
    let correct = 0
    testPred.forEach((c, i) => {
      if (c === measured.labels[i]) correct++
    })
    const y = evalSplit.labels
    const pred = predictClasses(net, ev.x)
    const ok: number[] = []
    pred.forEach((c, i) => {
      if (c === y[i]) ok.push(i)
    })
    const atOk = (a: Float32Array) => ok.map((i) => a[i] as number)
    const rng = ctx.rng.fork('measure')
    const metrics: Metrics = {
      clean_acc: metric(correct / measured.n, '', 'higher'),
      train_s: metric(trained.seconds, 's', 'lower'),
      final_loss: metric(trained.losses[trained.losses.length - 1] ?? Number.NaN, '', 'lower'),
    }
    // First-order estimates.
    const foLinf = atOk(firstOrderMargins(net, ev.x, y, { norm: 'linf' }))
    const foL2 = atOk(firstOrderMargins(net, ev.x, y, { norm: 'l2' }))
    const foHidden = atOk(firstOrderMargins(net, ev.x, y, { norm: 'l2', cut: cuts[0] as string }))
    metrics.fo_linf_mean = metric(summary(foLinf).mean, '', 'higher')
    metrics.fo_linf_median = metric(summary(foLinf).median, '', 'higher')
    metrics.fo_l2_mean = metric(summary(foL2).mean, '', 'higher')
    metrics.fo_hidden_l2_mean = metric(summary(foHidden).mean, '', 'higher')
    // Attack + bisection.
    const bis = bisectionMargins(net, ev.x, y, {
      norm: 'linf',
      epsMax: p.epsMaxLinf,
      steps: p.bisectSteps,
      pgdSteps: p.bisectPgdSteps,
      ...(p.bisectTargets === undefined ? {} : { targets: p.bisectTargets }),
      rng: rng.fork('bisect-linf'),
    })
    const bLinf = atOk(bis.margins)
    metrics.bisect_linf_mean = metric(summary(bLinf).mean, '', 'higher')
    metrics.bisect_linf = metric(summary(bLinf).median, '', 'higher', bLinf)
    metrics.bisect_linf_censored = metric(ok.length > 0 ? bis.censored / ok.length : 0, '', 'lower')
    // Undefined (NaN) when either measure has no spread: then the metric is left out.
    const rho = spearman(foLinf, bLinf)
    if (Number.isFinite(rho)) metrics.spearman_fo_bisect = metric(rho, '', 'higher')
    if (p.l2) {
      const b2 = atOk(
        bisectionMargins(net, ev.x, y, {
          norm: 'l2',
          epsMax: p.epsMaxL2,
          steps: p.bisectSteps,
          pgdSteps: p.bisectPgdSteps,
          rng: rng.fork('bisect-l2'),
        }).margins,
      )
      metrics.bisect_l2_mean = metric(summary(b2).mean, '', 'higher')
      metrics.bisect_l2_median = metric(summary(b2).median, '', 'higher')
    }
    if (p.deepfool) {
      const df = atOk(deepFoolL2(net, ev.x)).filter((d) => Number.isFinite(d))
      metrics.deepfool_l2_failed = metric(
        ok.length > 0 ? 1 - df.length / ok.length : 0,
        '',
        'lower',
      )
      metrics.deepfool_l2_mean = metric(summary(df).mean, '', 'higher')
      metrics.deepfool_l2_median = metric(summary(df).median, '', 'higher')
    }
    // Robust accuracy curves.
    const linf = robustAccuracy(net, ev.x, y, {
      norm: 'linf',
      epsGrid: p.epsGridLinf,
      pgdSteps: p.robustPgdSteps,
      rng: rng.fork('robust-linf'),
    })
    metrics.robust_linf_avg = metric(linf.pgdAverage, '', 'higher')
    metrics.fgsm_linf_avg = metric(linf.fgsmAverage, '', 'higher')
    linf.eps.forEach((e, i) => {
      metrics[`pgd_linf_${epsLabel(e)}`] = metric(linf.pgd[i] as number, '', 'higher')
      metrics[`fgsm_linf_${epsLabel(e)}`] = metric(linf.fgsm[i] as number, '', 'higher')
    })
    if (p.l2) {
      const l2 = robustAccuracy(net, ev.x, y, {
        norm: 'l2',
        epsGrid: p.epsGridL2,
        pgdSteps: p.robustPgdSteps,
        rng: rng.fork('robust-l2'),
      })
      metrics.robust_l2_avg = metric(l2.pgdAverage, '', 'higher')
      l2.eps.forEach((e, i) => {
        metrics[`pgd_l2_${epsLabel(e)}`] = metric(l2.pgd[i] as number, '', 'higher')
      })
    }
    // Feature-space angles.
    const feats = tf.tidy(() => featuresOf(net, ev.x))
    const angles = angleStats(feats.dataSync() as Float32Array, y, feats.shape[1], data.numClasses)
    feats.dispose()
    metrics.angle_ratio = metric(angles.ratio, '', 'higher')
    metrics.angle_intra_deg = metric((angles.intra * 180) / Math.PI, 'deg', 'lower')
    ctx.annotate('measured_on', p.validation > 0 ? 'validation' : 'test')
    ctx.annotate('label_noise', regime.noise)
    ctx.annotate('train_examples', regime.split.n)
    ctx.annotate('epochs', epochs)
    return metrics
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y, ev.x, ev.y])
    model.dispose()
  }
}
