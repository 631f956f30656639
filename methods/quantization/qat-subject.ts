/**
 * `quant-qat`: quantization-aware training (STE, PACT or LSQ) of a trained mlp or lenet5, started
 * from per-channel PTQ (MSE weights, p99.99 activations), then evaluated like PTQ.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { costMetrics, fidelityMetrics, NetFields, netConfig, prepare } from './pipeline.ts'
import { activationHook, ptq, quantizedTensors } from './ptq.ts'
import { QAT_METHODS, qat } from './qat.ts'
import { logitsOf, weightedLayers } from './qnet.ts'

const Bits = z.number().int().min(2).max(8)

export const QatParams = z.strictObject({
  ...NetFields,
  /** @default 4 */
  wBits: Bits.default(4),
  /** @default 4 */
  aBits: Bits.default(4),
  /** @default 'lsq' */
  method: z.enum(QAT_METHODS).default('lsq'),
  /** QAT epochs. @default 2 */
  qatEpochs: z.number().int().min(0).default(2),
  /** @default 0.0005 */
  qatLearningRate: z.number().positive().default(0.0005),
})
export type QatParams = z.output<typeof QatParams>

export const quantQat: SubjectDef<QatParams, ImageDataset> = {
  name: 'quant-qat',
  kind: 'method',
  description: 'Quantization-aware training: STE, PACT (learned clip) or LSQ (learned step size)',
  params: QatParams,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const prep = await prepare(ctx, netConfig(params), data)
    const start = ptq(
      prep.net,
      data.calibration.images,
      {
        wBits: params.wBits,
        aBits: params.aBits,
        symmetric: true,
        granularity: 'channel',
        wCalib: 'mse',
        aCalib: 'p99.99',
        rounding: 'nearest',
        scheme: 'uniform',
        biasCorrection: false,
        equalize: false,
      },
      ctx.rng.fork('ptq'),
    )
    const t0 = ctx.now()
    const q = await qat(
      start,
      data.train.images,
      data.train.labels,
      {
        method: params.method,
        wBits: params.wBits,
        aBits: params.aBits,
        epochs: params.qatEpochs,
        batchSize: params.batchSize,
        learningRate: params.qatLearningRate,
      },
      ctx.rng.fork('qat'),
      { signal: ctx.signal, onEpoch: (e) => ctx.progress.update(e, params.qatEpochs, 'qat') },
    )
    const seconds = (ctx.now() - t0) / 1000
    const t = quantizedTensors(q)
    const t2 = quantizedTensors(start)
    try {
      const logits = logitsOf(q.net, t, data.test.images, activationHook(q.actParams))
      const startLogits = logitsOf(start.net, t2, data.test.images, activationHook(start.actParams))
      const fromPtq = fidelityMetrics(prep, startLogits, data.test.labels)
      return {
        ...fidelityMetrics(prep, logits, data.test.labels),
        ...costMetrics(
          q.net,
          weightedLayers(q.net).map(() => params.wBits),
          params.aBits,
        ),
        ptq_top1: fromPtq.top1 as NonNullable<typeof fromPtq.top1>,
        quantize_s: { value: seconds, unit: 's', better: 'lower' },
      }
    } finally {
      for (const p of [...t, ...t2]) tf.dispose([p.w, p.b])
    }
  },
}
