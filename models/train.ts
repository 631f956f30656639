/**
 * The training loop shared by methods and baselines, plus batched evaluation and prediction.
 *
 *   per epoch: shuffle indices (seeded) -> batches: gather, forward, loss, optimizer step
 *              -> optional validation -> onEpoch(log) -> early-stop check
 *   end:       restore the best weights (when early stopping asks to) -> history + metrics
 *
 * A custom loop rather than `model.fit`, which shuffles with Math.random. With the model built
 * from a seeded Rng (`def.build(params, rng)`) and the same `rng` here, two runs give the same
 * weights bit for bit on a given backend.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { Rng } from '../harness/run/rng.ts'

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const
export type OptimizerName = (typeof OPTIMIZERS)[number]

/**
 * Built-in losses. `softmax-cross-entropy` takes logits; `mse` compares outputs with float
 * targets (e.g. ±1 one-vs-rest with a tanh output). Integer class labels are one-hot encoded
 * for both.
 */
export const LOSSES = ['softmax-cross-entropy', 'mse'] as const
export type LossName = (typeof LOSSES)[number]
/** A custom loss: mean over the batch of a per-example loss. `targets` is the batch of `y`. */
export type LossFn = (targets: tf.Tensor, outputs: tf.Tensor) => tf.Scalar

export interface EarlyStop {
  /** Validation metric watched. @default 'accuracy' */
  metric?: 'accuracy' | 'loss'
  /** Epochs without improvement before stopping. */
  patience: number
  /** Smallest change that counts as an improvement. @default 0 */
  minDelta?: number
  /** Put the best epoch's weights back at the end. @default true */
  restoreBest?: boolean
}

export interface TrainOptions {
  /** Shuffles the examples each epoch (forked as 'shuffle'). */
  rng: Rng
  epochs: number
  /** @default 32 */
  batchSize?: number
  /** A name, or an optimizer the caller owns (not disposed here). @default 'adam' */
  optimizer?: OptimizerName | tf.Optimizer
  /** @default 0.001 for adam, 0.01 for sgd and momentum */
  learningRate?: number
  /** Momentum of the `momentum` optimizer. @default 0.9 */
  momentum?: number
  /** @default 'softmax-cross-entropy' */
  loss?: LossName | LossFn
  /** Evaluated after each epoch; needed by early stopping. */
  validation?: { x: tf.Tensor; y: tf.Tensor }
  earlyStop?: EarlyStop
  /** Variables to train. @default every trainable weight of the model */
  variables?: tf.Variable[]
  /** Called after each optimizer step, e.g. to re-apply pruning masks. */
  afterStep?: () => void
  /** Called after each epoch (progress, logging); awaited. */
  onEpoch?: (log: EpochLog) => void | Promise<void>
  /** Checked before each batch; training throws the abort reason. */
  signal?: AbortSignal
  /** Monotonic clock in milliseconds. @default performance.now */
  now?: () => number
}

export interface EpochLog {
  /** 1-based. */
  epoch: number
  /** Mean training loss and accuracy over the epoch's batches (weights changing meanwhile). */
  loss: number
  accuracy: number
  valLoss?: number
  valAccuracy?: number
  /** Training time of the epoch, validation excluded. */
  seconds: number
  samplesPerSecond: number
}

export interface TrainResult {
  history: EpochLog[]
  /** The log of the epoch whose weights the model holds at the end. */
  final: EpochLog
  /** 1-based epoch of the weights kept (the best one when early stopping restores it). */
  bestEpoch: number
  stoppedEarly: boolean
  /** Training samples per second over all epochs (validation excluded). */
  samplesPerSecond: number
  /** Training seconds over all epochs (validation excluded). */
  seconds: number
}

export interface Evaluation {
  loss: number
  /** Top-1 accuracy (over every position for sequence outputs). */
  accuracy: number
  n: number
}

function makeOptimizer(o: TrainOptions): tf.Optimizer {
  const name = o.optimizer ?? 'adam'
  if (typeof name !== 'string') return name
  switch (name) {
    case 'sgd':
      return tf.train.sgd(o.learningRate ?? 0.01)
    case 'momentum':
      return tf.train.momentum(o.learningRate ?? 0.01, o.momentum ?? 0.9)
    case 'adam':
      return tf.train.adam(o.learningRate ?? 0.001)
    default:
      throw new RangeError(
        `Cannot train: optimizer "${String(name)}" is unknown (valid: ${OPTIMIZERS.join(', ')})`,
      )
  }
}

/** Integer labels one rank below the outputs become one-hot; other targets pass through. */
function asTargets(y: tf.Tensor, outputs: tf.Tensor): tf.Tensor {
  if (y.dtype === 'int32' && y.rank === outputs.rank - 1) {
    const depth = outputs.shape[outputs.rank - 1] as number
    return tf.cast(tf.oneHot(y, depth), 'float32')
  }
  return y
}

/** The loss function for a name or a custom function. */
export function lossFunction(loss: LossName | LossFn = 'softmax-cross-entropy'): LossFn {
  if (typeof loss === 'function') return loss
  switch (loss) {
    case 'softmax-cross-entropy':
      return (y, out) => tf.losses.softmaxCrossEntropy(asTargets(y, out), out) as tf.Scalar
    case 'mse':
      return (y, out) => tf.losses.meanSquaredError(asTargets(y, out), out) as tf.Scalar
    default:
      throw new RangeError(
        `Cannot train: loss "${String(loss)}" is unknown (valid: ${LOSSES.join(', ')})`,
      )
  }
}

/** Number of correct top-1 predictions (a scalar) and positions counted. */
function countCorrect(outputs: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const predicted = tf.argMax(outputs, -1)
  const truth = y.dtype === 'int32' && y.rank === outputs.rank - 1 ? y : tf.argMax(y, -1)
  return tf.sum(tf.cast(tf.equal(predicted, truth), 'float32'))
}

function positions(outputs: tf.Tensor): number {
  return outputs.size / (outputs.shape[outputs.rank - 1] as number)
}

function scalarOf(t: tf.Tensor): number {
  return t.dataSync()[0] as number
}

/** Trains `model` on (x, y) in place; see the module comment for the phases. */
export async function train(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: TrainOptions,
): Promise<TrainResult> {
  const n = x.shape[0]
  if (n === undefined || n === 0) throw new RangeError('Cannot train: the training set is empty')
  if (y.shape[0] !== n)
    throw new TypeError(`Cannot train: x has ${n} examples but y has ${y.shape[0]}`)
  if (!Number.isInteger(options.epochs) || options.epochs < 0)
    throw new RangeError(`Cannot train: epochs must be an integer >= 0, got ${options.epochs}`)
  const batchSize = options.batchSize ?? 32
  const now = options.now ?? (() => performance.now())
  const lossFn = lossFunction(options.loss)
  const optimizer = makeOptimizer(options)
  const ownsOptimizer = typeof options.optimizer !== 'object'
  const variables = options.variables ?? model.trainableWeights.map((w) => w.read() as tf.Variable)
  const shuffleRng = options.rng.fork('shuffle')
  const order = Array.from({ length: n }, (_, i) => i)
  const stop = options.earlyStop
  if (stop && !options.validation)
    throw new TypeError('Cannot train: earlyStop needs a validation set')
  const watch = stop?.metric ?? 'accuracy'
  const restoreBest = stop?.restoreBest ?? true

  const history: EpochLog[] = []
  let best: { epoch: number; score: number; weights: tf.Tensor[] | undefined } | undefined
  let stoppedEarly = false
  let trainMs = 0
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffleRng.shuffle(order)
      const start = now()
      let lossSum = 0
      let correct = 0
      let counted = 0
      for (let b = 0; b < n; b += batchSize) {
        options.signal?.throwIfAborted()
        const idx = tf.tensor1d(order.slice(b, b + batchSize), 'int32')
        const xb = tf.gather(x, idx)
        const yb = tf.gather(y, idx)
        const size = xb.shape[0] as number
        let correctT: tf.Scalar | undefined
        let count = 0
        const cost = optimizer.minimize(
          () => {
            const out = model.apply(xb, { training: true }) as tf.Tensor
            correctT = tf.keep(countCorrect(out, yb))
            count = positions(out)
            return lossFn(yb, out)
          },
          true,
          variables,
        )
        if (!cost || !correctT) throw new Error('Cannot train: the optimizer returned no loss')
        lossSum += scalarOf(cost) * size
        correct += scalarOf(correctT)
        counted += count
        tf.dispose([idx, xb, yb, cost, correctT])
        options.afterStep?.()
      }
      const seconds = (now() - start) / 1000
      trainMs += seconds * 1000
      const log: EpochLog = {
        epoch,
        loss: lossSum / n,
        accuracy: correct / counted,
        seconds,
        samplesPerSecond: seconds > 0 ? n / seconds : Number.POSITIVE_INFINITY,
      }
      if (options.validation) {
        const v = evaluate(model, options.validation.x, options.validation.y, {
          batchSize: Math.max(batchSize, 256),
          loss: lossFn,
        })
        log.valLoss = v.loss
        log.valAccuracy = v.accuracy
      }
      history.push(log)
      await options.onEpoch?.(log)
      if (stop) {
        const score = watch === 'accuracy' ? (log.valAccuracy as number) : -(log.valLoss as number)
        if (!best || score > best.score + (stop.minDelta ?? 0)) {
          if (best?.weights) tf.dispose(best.weights)
          const weights = restoreBest ? model.getWeights().map((w) => w.clone()) : undefined
          best = { epoch, score, weights }
        } else if (epoch - best.epoch >= stop.patience) {
          stoppedEarly = true
          break
        }
      }
    }
  } finally {
    if (ownsOptimizer) optimizer.dispose()
  }
  let keptEpoch = history.length
  if (best?.weights) {
    if (best.epoch !== history.length) model.setWeights(best.weights)
    tf.dispose(best.weights)
    keptEpoch = best.epoch
  }
  const final = history[keptEpoch - 1] ?? {
    epoch: 0,
    ...evaluate(model, x, y, { batchSize: Math.max(batchSize, 256), loss: lossFn }),
    seconds: 0,
    samplesPerSecond: 0,
  }
  const seconds = trainMs / 1000
  const samples = n * history.length
  return {
    history,
    final,
    bestEpoch: keptEpoch,
    stoppedEarly,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    seconds,
  }
}

/** Batch slices [start, end) of a tensor along axis 0. */
function sliceRows(t: tf.Tensor, start: number, end: number): tf.Tensor {
  return tf.slice(t, [start], [end - start])
}

/** Loss and top-1 accuracy of `model` on (x, y), in batches, in inference mode. */
export function evaluate(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: { batchSize?: number; loss?: LossName | LossFn } = {},
): Evaluation {
  const n = x.shape[0] as number
  const batchSize = options.batchSize ?? 256
  const lossFn = lossFunction(options.loss)
  let lossSum = 0
  let correct = 0
  let counted = 0
  for (let b = 0; b < n; b += batchSize) {
    const end = Math.min(n, b + batchSize)
    const [loss, right, count] = tf.tidy(() => {
      const out = model.apply(sliceRows(x, b, end), { training: false }) as tf.Tensor
      const yb = sliceRows(y, b, end)
      return [scalarOf(lossFn(yb, out)), scalarOf(countCorrect(out, yb)), positions(out)]
    })
    lossSum += loss * (end - b)
    correct += right
    counted += count
  }
  return {
    loss: n > 0 ? lossSum / n : Number.NaN,
    accuracy: counted > 0 ? correct / counted : Number.NaN,
    n,
  }
}

/** Model outputs for x, computed in batches in inference mode; the caller disposes the result. */
export function predict(
  model: tfl.LayersModel,
  x: tf.Tensor,
  options: { batchSize?: number } = {},
): tf.Tensor {
  const n = x.shape[0] as number
  const batchSize = options.batchSize ?? 256
  const parts: tf.Tensor[] = []
  for (let b = 0; b < n; b += batchSize) {
    const end = Math.min(n, b + batchSize)
    parts.push(tf.tidy(() => model.apply(sliceRows(x, b, end), { training: false }) as tf.Tensor))
  }
  if (parts.length === 1) return parts[0] as tf.Tensor
  const out = tf.concat(parts, 0)
  tf.dispose(parts)
  return out
}
