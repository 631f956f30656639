/**
 * `quant-ptq`: post-training quantization of a trained mlp or lenet5, simulated (fake-quant), for
 * one point of the matrix: W/A bits, symmetric or not, per tensor or per channel, weight and
 * activation calibrators, rounding (nearest, stochastic, AdaRound), uniform or non-uniform
 * weights, bias correction, cross-layer equalisation.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { CALIBRATORS } from './calibrators.ts'
import { WEIGHT_SCHEMES } from './non-uniform.ts'
import { costMetrics, fidelityMetrics, NetFields, netConfig, prepare } from './pipeline.ts'
import { activationHook, ptq, quantizedTensors } from './ptq.ts'
import { logitsOf, weightedLayers } from './qnet.ts'
import { GRANULARITIES } from './weight-quant.ts'

const Bits = z.number().int().min(2).max(8)

export const PtqParams = z.strictObject({
  ...NetFields,
  /** @default 8 */
  wBits: Bits.default(8),
  /** @default 8 */
  aBits: Bits.default(8),
  /** Symmetric (restricted-range) weights, else asymmetric. @default true */
  symmetric: z.boolean().default(true),
  /** @default 'channel' */
  granularity: z.enum(GRANULARITIES).default('channel'),
  /** @default 'minmax' */
  wCalib: z.enum(CALIBRATORS).default('minmax'),
  /** @default 'minmax' */
  aCalib: z.enum(CALIBRATORS).default('minmax'),
  /** @default 'nearest' */
  rounding: z.enum(['nearest', 'stochastic', 'adaround']).default('nearest'),
  /** @default 'uniform' */
  scheme: z.enum(WEIGHT_SCHEMES).default('uniform'),
  /** @default false */
  biasCorrection: z.boolean().default(false),
  /** @default false */
  equalize: z.boolean().default(false),
  /** AdaRound steps per layer (the paper uses ~10k). @default 300 */
  adaroundIterations: z.number().int().min(1).default(300),
  /** AdaRound reconstructs after the layer's ReLU (the paper's objective), else before. @default true */
  adaroundPostActivation: z.boolean().default(true),
  /**
   * AdaRound's Adam learning rate on V; unset: 30 / adaroundIterations, so that a short budget
   * still moves V across the rounding range and the regulariser decides (nearly) every weight.
   */
  adaroundLr: z.number().positive().optional(),
})
export type PtqParams = z.output<typeof PtqParams>

export const quantPtq: SubjectDef<PtqParams, ImageDataset> = {
  name: 'quant-ptq',
  kind: 'method',
  description:
    'Post-training quantization (fake-quant): bits, granularity, calibrators, rounding, schemes',
  params: PtqParams,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const prep = await prepare(ctx, netConfig(params), data)
    const t0 = ctx.now()
    const q = ptq(prep.net, data.calibration.images, params, ctx.rng.fork('ptq'))
    const seconds = (ctx.now() - t0) / 1000
    const t = quantizedTensors(q)
    try {
      const logits = logitsOf(q.net, t, data.test.images, activationHook(q.actParams))
      const bits = weightedLayers(q.net).map(() => params.wBits)
      ctx.annotate('tfjsBackend', tf.getBackend())
      return {
        ...fidelityMetrics(prep, logits, data.test.labels),
        ...costMetrics(q.net, bits, params.aBits),
        quantize_s: { value: seconds, unit: 's', better: 'lower' },
        ...(q.undecided
          ? { adaround_undecided: metric(Math.max(...q.undecided) * 100, '%', 'lower') }
          : {}),
      }
    } finally {
      for (const p of t) tf.dispose([p.w, p.b])
    }
  },
}
