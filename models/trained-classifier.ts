/**
 * A zoo classifier (mlp, lenet5 or the small cnn) trained once per configuration and shared seed, through the
 * trial's artifact cache: every subject of a suite at one dataset point and repetition (the fp32
 * baseline and each quantization method) reuses the same trained network, and with the
 * persistent cache so do later runs, `--isolate` children and sibling suites on the same split.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import type { ImageDataset } from '../datasets/image-data.ts'
import { toTensors } from '../datasets/image-data.ts'
import { initTfjs } from '../harness/backends/tfjs.ts'
import { Rng } from '../harness/run/rng.ts'
import { packArtifact, unpackArtifact } from '../harness/store/pack.ts'
import type { ArtifactCodec, TrialContext } from '../harness/types.ts'
import { cnn } from './cnn.ts'
import { lenet5 } from './lenet5.ts'
import { mlp } from './mlp.ts'
import { evaluate, train } from './train.ts'

export const ClassifierConfig = z.strictObject({
  /** @default 'mlp' */
  model: z.enum(['mlp', 'lenet5', 'cnn']).default('mlp'),
  /** Hidden widths of the mlp. @default [256, 128] */
  hidden: z.array(z.number().int().positive()).default([256, 128]),
  /** @default 3 */
  epochs: z.number().int().min(0).default(3),
  /** @default 64 */
  batchSize: z.number().int().positive().default(64),
  /** Adam learning rate. @default 0.002 */
  learningRate: z.number().positive().default(0.002),
})
export type ClassifierConfig = z.output<typeof ClassifierConfig>

export interface TrainedClassifier {
  model: tfl.LayersModel
  /** Top-1 on the test split. */
  testAccuracy: number
  trainSeconds: number
  /** Input layout the model expects. */
  layout: 'flat' | 'nhwc'
}

/** An untrained mlp, lenet5 or cnn shaped for `data`, initialised from `rng`, and its input layout. */
export function buildClassifier(
  model: 'mlp' | 'lenet5' | 'cnn',
  data: Pick<ImageDataset, 'height' | 'width' | 'channels' | 'numClasses'>,
  rng: Rng,
  hidden?: number[],
): { model: tfl.LayersModel; layout: 'flat' | 'nhwc' } {
  if (model === 'mlp') {
    const params = mlp.params.parse({
      inputSize: data.height * data.width * data.channels,
      numClasses: data.numClasses,
      ...(hidden ? { hidden } : {}),
    })
    return { model: mlp.build(params, rng), layout: 'flat' }
  }
  if (model === 'cnn') {
    const params = cnn.params.parse({
      inputShape: [data.height, data.width, data.channels],
      numClasses: data.numClasses,
    })
    return { model: cnn.build(params, rng), layout: 'nhwc' }
  }
  const params = lenet5.params.parse({
    inputShape: [data.height, data.width, data.channels],
    numClasses: data.numClasses,
  })
  return { model: lenet5.build(params, rng), layout: 'nhwc' }
}

/** The classifier for `config`, trained on `data.train` with seed `ctx.sharedSeed` (cached). */
export async function trainedClassifier(
  ctx: TrialContext,
  config: ClassifierConfig,
  data: ImageDataset,
): Promise<TrainedClassifier> {
  return ctx.cache.getOrCreate(
    { artifact: 'trained-classifier', config, sharedSeed: ctx.sharedSeed, n: data.train.n },
    async () => {
      await initTfjs()
      const rng = new Rng(ctx.sharedSeed).fork('trained-classifier')
      const { model, layout } = buildClassifier(config.model, data, rng.fork('init'), config.hidden)
      const tr = toTensors(data.train, layout)
      const te = toTensors(data.test, layout)
      try {
        const result = await train(model, tr.x, tr.y, {
          rng: rng.fork('train'),
          epochs: config.epochs,
          batchSize: config.batchSize,
          learningRate: config.learningRate,
          signal: ctx.signal,
          now: () => ctx.now(),
          onEpoch: (log) => ctx.progress.update(log.epoch, config.epochs, `train ${config.model}`),
        })
        const testAccuracy = evaluate(model, te.x, te.y).accuracy
        return { model, testAccuracy, trainSeconds: result.seconds, layout }
      } finally {
        tr.x.dispose()
        tr.y.dispose()
        te.x.dispose()
        te.y.dispose()
      }
    },
    classifierCodec(config, data),
  )
}

interface ClassifierMeta {
  testAccuracy: number
  trainSeconds: number
  layout: 'flat' | 'nhwc'
}

/**
 * The persistent form of a trained classifier: its weights exactly as trained, and its test
 * accuracy and training time (the time the one training took, whenever that was).
 */
export function classifierCodec(
  config: ClassifierConfig,
  data: Pick<ImageDataset, 'height' | 'width' | 'channels' | 'numClasses'>,
): ArtifactCodec<TrainedClassifier> {
  return {
    name: 'trained-classifier',
    version: 1,
    encode: (t) =>
      packArtifact(
        { testAccuracy: t.testAccuracy, trainSeconds: t.trainSeconds, layout: t.layout },
        t.model.getWeights().map((w) => w.dataSync() as Float32Array),
      ),
    async decode(bytes) {
      await initTfjs()
      const { meta, arrays } = unpackArtifact<ClassifierMeta>(bytes)
      // The initial weights are overwritten: any seed builds the same shapes.
      const { model, layout } = buildClassifier(config.model, data, new Rng(0), config.hidden)
      const current = model.getWeights()
      if (arrays.length !== current.length || layout !== meta.layout)
        throw new RangeError(
          `${arrays.length} ${meta.layout} weight arrays for a ${layout} model with ${current.length}`,
        )
      const weights = current.map((w, i) => {
        const a = arrays[i] as Float32Array
        if (a.length !== w.size)
          throw new RangeError(`weight ${i} has ${a.length} values, expected ${w.size}`)
        return tf.tensor(a, w.shape, 'float32')
      })
      model.setWeights(weights)
      tf.dispose(weights)
      return { model, testAccuracy: meta.testAccuracy, trainSeconds: meta.trainSeconds, layout }
    },
  }
}
