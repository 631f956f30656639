/**
 * `quant-mixed`: per-layer weight bits at a given average (weighted by parameter count), either
 * uniform (every layer at ⌊average⌋ bits) or allocated from measured-loss or Hessian-trace
 * sensitivities (mixed-precision.ts); per-channel MSE weights, 8-bit activations.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { allocateBits, hessianSensitivities, sensitivities } from './mixed-precision.ts'
import { costMetrics, fidelityMetrics, NetFields, netConfig, prepare } from './pipeline.ts'
import { activationHook, ptq } from './ptq.ts'
import { logitsOf, netTensors, outChannels, weightedLayers } from './qnet.ts'
import { quantizeWeights, type WeightQuantConfig } from './weight-quant.ts'

export const MixedParams = z.strictObject({
  ...NetFields,
  /** Average weight bits (parameter-weighted). @default 3 */
  averageBits: z.number().min(2).max(8).default(3),
  /** `sensitivity`: measured loss increase; `hessian`: Hutchinson trace (HAWQ-v2). @default 'sensitivity' */
  allocation: z.enum(['uniform', 'sensitivity', 'hessian']).default('sensitivity'),
  /** Rademacher vectors per layer of the Hutchinson estimator. @default 16 */
  hutchinsonSamples: z.number().int().min(2).default(16),
  /** Calibration examples of the loss whose Hessian is estimated. @default 256 */
  hessianExamples: z.number().int().positive().default(256),
  /** Candidate bits per layer. @default [2, 3, 4, 6, 8] */
  candidates: z.array(z.number().int().min(2).max(8)).default([2, 3, 4, 6, 8]),
  /** Calibration examples used to measure sensitivities. @default 500 */
  sensitivityExamples: z.number().int().positive().default(500),
})
export type MixedParams = z.output<typeof MixedParams>

export const quantMixed: SubjectDef<MixedParams, ImageDataset> = {
  name: 'quant-mixed',
  kind: 'method',
  description: 'Mixed-precision weights from measured per-layer sensitivity vs uniform bits',
  params: MixedParams,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const prep = await prepare(ctx, netConfig(params), data)
    const layers = weightedLayers(prep.net)
    const base: Omit<WeightQuantConfig, 'bits'> = {
      symmetric: true,
      granularity: 'channel',
      calibrator: 'mse',
      rounding: 'nearest',
      scheme: 'uniform',
    }
    let bits: number[]
    const extra: Record<string, { value: number; unit: string; better: 'lower' | 'higher' }> = {}
    const t0 = ctx.now()
    if (params.allocation === 'uniform') {
      bits = layers.map(() => Math.floor(params.averageBits))
    } else {
      const size = prep.net.inputShape.reduce((a, b) => a * b, 1)
      const n = Math.min(params.sensitivityExamples, data.calibration.n)
      const x = data.calibration.images.subarray(0, n * size)
      const y = data.calibration.labels.subarray(0, n)
      let omega: number[][]
      if (params.allocation === 'hessian') {
        const nh = Math.min(n, params.hessianExamples)
        const h = hessianSensitivities(
          prep.net,
          x.subarray(0, nh * size),
          params.candidates,
          base,
          params.hutchinsonSamples,
          ctx.rng.fork('hutchinson'),
        )
        omega = h.omega
        ctx.annotate('hessianTraces', h.traces.trace.map((t) => t.toPrecision(4)).join('/'))
        ctx.annotate('hessianTraceStderr', h.traces.stderr.map((t) => t.toPrecision(2)).join('/'))
        // How well Hutchinson pinned the traces: the largest relative standard error over layers.
        extra['trace_rel_se'] = {
          value: Math.max(
            ...h.traces.stderr.map((se, j) => se / Math.abs(h.traces.trace[j] as number)),
          ),
          unit: '',
          better: 'lower',
        }
      } else {
        omega = sensitivities(prep.net, x, y, params.candidates, base)
      }
      bits = allocateBits(
        omega,
        layers.map((l) => l.w.length),
        params.candidates,
        params.averageBits,
      )
    }
    const allocateS = (ctx.now() - t0) / 1000
    ctx.annotate('bits', bits.join('/'))
    const weights = layers.map(
      (l, j) => quantizeWeights(l.w, outChannels(l), { ...base, bits: bits[j] as number }).values,
    )
    // Activations at 8 bits, calibrated like PTQ (min-max).
    const acts = ptq(
      prep.net,
      data.calibration.images,
      {
        ...base,
        wBits: 8,
        aBits: 8,
        wCalib: 'minmax',
        aCalib: 'minmax',
        rounding: 'nearest',
        biasCorrection: false,
        equalize: false,
      },
      ctx.rng.fork('acts'),
    ).actParams
    const t = netTensors(prep.net, weights)
    try {
      const logits = logitsOf(prep.net, t, data.test.images, activationHook(acts))
      const total = layers.reduce((a, l) => a + l.w.length, 0)
      const avg = layers.reduce((a, l, j) => a + l.w.length * (bits[j] as number), 0) / total
      return {
        ...fidelityMetrics(prep, logits, data.test.labels),
        ...costMetrics(prep.net, bits, 8),
        avg_bits: { value: avg, unit: 'bit', better: 'lower' },
        allocate_s: { value: allocateS, unit: 's', better: 'lower' },
        ...extra,
      }
    } finally {
      for (const p of t) tf.dispose([p.w, p.b])
    }
  },
}
