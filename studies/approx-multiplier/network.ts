/**
 * The networks of the approximate-multiplier study, trained once per (config, shared seed) through
 * the artifact cache, and their int8 version with the calibration statistics that every mapping
 * of that network reuses:
 *
 *   mlp 784-256-128-10 and LeNet-5 (6c5-p2-16c5-p2-120-84-10, valid padding) on MNIST;
 *   a small CNN (8c3-p2-16c3-p2-32-n, same padding) on the synthetic colour images.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { type ImageDataset, toTensors } from '../../datasets/image-data.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import type { TrialContext } from '../../harness/types.ts'
import { cnn } from '../../models/cnn.ts'
import { lenet5 } from '../../models/lenet5.ts'
import { mlp } from '../../models/mlp.ts'
import { evaluate, train } from '../../models/train.ts'
import {
  extractFloatNet,
  type FloatNet,
  type IntNet,
  quantizeInput,
  quantizeNet,
  runInt,
  top1,
} from './int-net.ts'

export const NETWORKS = ['mlp', 'lenet5', 'cnn'] as const
export type Network = (typeof NETWORKS)[number]

/** The dataset (registry name) each network is studied on. */
export const NETWORK_DATA: Record<Network, string> = {
  mlp: 'mnist',
  lenet5: 'mnist',
  cnn: 'synthetic-images',
}

export const NetFields = {
  /** @default 'lenet5' */
  model: z.enum(NETWORKS).default('lenet5'),
  /** @default 2 */
  epochs: z.number().int().min(0).default(2),
  /** @default 64 */
  batchSize: z.number().int().positive().default(64),
  /** Adam. @default 0.002 */
  learningRate: z.number().positive().default(0.002),
  /** Calibration rows used for activation ranges, histograms and the level search. @default 500 */
  calibExamples: z.number().int().positive().default(500),
}
const NetConfig = z.strictObject(NetFields)
export type NetConfig = z.output<typeof NetConfig>

function build(
  model: Network,
  data: ImageDataset,
  rng: Rng,
): { net: tfl.LayersModel; flat: boolean } {
  const shape: [number, number, number] = [data.height, data.width, data.channels]
  if (model === 'mlp') {
    const p = mlp.params.parse({
      inputSize: shape[0] * shape[1] * shape[2],
      hidden: [256, 128],
      numClasses: data.numClasses,
    })
    return { net: mlp.build(p, rng), flat: true }
  }
  if (model === 'lenet5') {
    const p = lenet5.params.parse({
      inputShape: shape,
      numClasses: data.numClasses,
      padding: 'valid',
    })
    return { net: lenet5.build(p, rng), flat: false }
  }
  const p = cnn.params.parse({
    inputShape: shape,
    blocks: [[8], [16]],
    dense: [32],
    numClasses: data.numClasses,
  })
  return { net: cnn.build(p, rng), flat: false }
}

/** Everything the mappings of one trained network share. */
export interface PreparedNet {
  float: FloatNet
  int: IntNet
  /** Per weighted layer: counts of the activation codes its multipliers see per patch index, K·256 (calibration rows). */
  histograms: Float64Array[]
  calibCodes: Uint8Array
  calibLabels: Int32Array
  testCodes: Uint8Array
  testLabels: Int32Array
  /** Top-1 (%) of the fp32 net (tfjs) and of the plain int8 net, on the test split. */
  fp32Acc: number
  exactAcc: number
  /** Top-1 (%) of the plain int8 net on the calibration rows. */
  exactCalibAcc: number
  trainSeconds: number
}

/** The trained, quantized network of `config` on `data` (cached per shared seed). */
export async function preparedNet(
  ctx: TrialContext,
  config: NetConfig,
  data: ImageDataset,
): Promise<PreparedNet> {
  const c = NetConfig.parse(config)
  return ctx.cache.getOrCreate(
    {
      artifact: 'approx-int8-net',
      config: c,
      sharedSeed: ctx.sharedSeed,
      n: [data.train.n, data.calibration.n, data.test.n],
    },
    async () => {
      await initTfjs()
      const rng = new Rng(ctx.sharedSeed).fork('approx-net')
      const { net, flat } = build(c.model, data, rng.fork('init'))
      const tr = toTensors(data.train, flat ? 'flat' : 'nhwc')
      const te = toTensors(data.test, flat ? 'flat' : 'nhwc')
      try {
        const t0 = ctx.now()
        await train(net, tr.x, tr.y, {
          rng: rng.fork('train'),
          epochs: c.epochs,
          batchSize: c.batchSize,
          learningRate: c.learningRate,
          signal: ctx.signal,
          now: () => ctx.now(),
        })
        const trainSeconds = (ctx.now() - t0) / 1000
        const fp32Acc = 100 * evaluate(net, te.x, te.y).accuracy
        const float = extractFloatNet(net)
        const size = data.height * data.width * data.channels
        const nCal = Math.min(c.calibExamples, data.calibration.n)
        if (nCal === 0) throw new RangeError('Cannot quantize: the calibration split is empty')
        const calib = data.calibration.images.subarray(0, nCal * size)
        const int = quantizeNet(float, calib, nCal)
        const calibCodes = quantizeInput(int, calib)
        const calibLabels = data.calibration.labels.subarray(0, nCal)
        const histograms = int.weighted.map((l) => new Float64Array(l.K * 256))
        const exactCalibAcc = top1(
          runInt(int, calibCodes, nCal, { histograms }),
          calibLabels,
          int.classes,
        )
        const testCodes = quantizeInput(int, data.test.images)
        const exactAcc = top1(runInt(int, testCodes, data.test.n), data.test.labels, int.classes)
        return {
          float,
          int,
          histograms,
          calibCodes,
          calibLabels,
          testCodes,
          testLabels: data.test.labels,
          fp32Acc,
          exactAcc,
          exactCalibAcc,
          trainSeconds,
        }
      } finally {
        tf.dispose([tr.x, tr.y, te.x, te.y])
        net.dispose()
      }
    },
  )
}
