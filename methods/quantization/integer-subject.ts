/**
 * `quant-integer`: integer-only inference of a PTQ network (symmetric per-channel int8 weights,
 * uint8 activations, int32 accumulation, dyadic requantisation) in TypeScript, checked three ways:
 *
 *   1. integer top-1 vs the fake-quant simulation of the same quantizers (ptq.ts)
 *   2. logit codes of the TypeScript kernel vs onnxruntime-node running the exported QLinearConv
 *      graph on the same input (fraction exactly equal, largest code difference)
 *   3. the QDQ export (onnx-qdq.ts) of the same fake-quantized net in onnxruntime, as written
 *      (optimisations off: float ops between Q/DQ pairs) and as onnxruntime fuses it (int8
 *      kernels): logit codes against the fake-quant codes
 *   4. onnxruntime latency of the int8 graphs (QLinear, fused QDQ) vs the fp32 graph
 *      (Conv/Gemm), interleaved rounds, ratio of medians with a bootstrap 95 % interval
 *
 * wBits = 7 is onnxruntime's `reduce_range`: on CPUs without VNNI its u8·s8 kernels add pairs of
 * products in int16 with saturation, which 8-bit weights can overflow.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import {
  annotateOrtSession,
  createOrtSession,
  type OrtSession,
} from '../../harness/backends/onnx.ts'
import { measureLatency } from '../../harness/measure/latency.ts'
import { bootstrapRatioOfMedians } from '../../harness/stats/compare.ts'
import { median } from '../../harness/stats/describe.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { CALIBRATORS } from './calibrators.ts'
import { top1 } from './fidelity.ts'
import { dequantizeCodes, quantizeInput, runIntNet, toIntNet } from './integer-net.ts'
import { qdqModel } from './onnx-qdq.ts'
import { floatModel, qlinearModel } from './onnx-qlinear.ts'
import { costMetrics, fidelityMetrics, NetFields, netConfig, prepare } from './pipeline.ts'
import { activationHook, ptq, quantizedTensors } from './ptq.ts'
import { logitsOf, weightedLayers } from './qnet.ts'
import { quantizeValue } from './quantizer.ts'

/** Percentage of equal codes and the largest difference. */
function codeAgreement(a: ArrayLike<number>, b: ArrayLike<number>): { exact: number; max: number } {
  let equal = 0
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number))
    if (d === 0) equal++
    max = Math.max(max, d)
  }
  return { exact: (equal / a.length) * 100, max }
}

export const IntegerParams = z.strictObject({
  ...NetFields,
  /** 8, or 7 (onnxruntime reduce_range). @default 8 */
  wBits: z.number().int().min(2).max(8).default(8),
  /** @default 8 */
  aBits: z.number().int().min(2).max(8).default(8),
  /** @default 'channel' */
  granularity: z.enum(['tensor', 'channel']).default('channel'),
  /** @default 'minmax' */
  aCalib: z.enum(CALIBRATORS).default('minmax'),
  /** Test examples run through the integer kernel and onnxruntime (0 = all). @default 0 */
  intExamples: z.number().int().min(0).default(0),
  /** Batch of the latency measurement. @default 32 */
  batch: z.number().int().positive().default(32),
  /** Sampling time per round and format, ms. @default 300 */
  timeMs: z.number().positive().default(300),
  /** Interleaved rounds (fp32, int8, fp32, int8, ...). @default 3 */
  rounds: z.number().int().min(1).default(3),
})
export type IntegerParams = z.output<typeof IntegerParams>

export const quantInteger: SubjectDef<IntegerParams, ImageDataset> = {
  name: 'quant-integer',
  kind: 'method',
  description:
    'Integer-only int8 inference in TypeScript, cross-checked against onnxruntime QLinearConv',
  params: IntegerParams,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const prep = await prepare(ctx, netConfig(params), data)
    const q = ptq(
      prep.net,
      data.calibration.images,
      {
        wBits: params.wBits,
        aBits: params.aBits,
        symmetric: true,
        granularity: params.granularity,
        wCalib: 'minmax',
        aCalib: params.aCalib,
        rounding: 'nearest',
        scheme: 'uniform',
        biasCorrection: false,
        equalize: false,
      },
      ctx.rng.fork('ptq'),
    )
    const size = q.net.inputShape.reduce((a, b) => a * b, 1)
    const n = params.intExamples === 0 ? data.test.n : Math.min(params.intExamples, data.test.n)
    const x = data.test.images.subarray(0, n * size)
    const labels = data.test.labels.subarray(0, n)
    const t = quantizedTensors(q)
    let fake: Float32Array
    try {
      fake = logitsOf(q.net, t, x, activationHook(q.actParams))
    } finally {
      for (const p of t) tf.dispose([p.w, p.b])
    }
    const inet = toIntNet(q)
    const t0 = ctx.now()
    const codes = runIntNet(inet, quantizeInput(inet, x), n)
    const tsMs = (ctx.now() - t0) / n
    const intLogits = dequantizeCodes(codes, inet.output)
    const classes = codes.length / n
    const outP = q.actParams.at(-1)
    if (!outP) throw new Error('Cannot compare QDQ codes: no logit quantizer')
    const fakeCodes = Uint8Array.from(fake, (v) => quantizeValue(v, outP))
    // Every session opened is released, also when a later one fails to build.
    const sessions: OrtSession[] = []
    const open = async (...args: Parameters<typeof createOrtSession>) => {
      const s = await createOrtSession(...args)
      sessions.push(s)
      return s
    }
    try {
      const qs = await open(qlinearModel(inet, classes), { threads: ctx.threads })
      const fs = await open(floatModel(q.net, classes), { threads: ctx.threads })
      const qdq = qdqModel(q, classes)
      const dqs = await open(qdq, { threads: ctx.threads })
      const dqRef = await open(qdq, { threads: ctx.threads, optimization: 'disabled' })
      annotateOrtSession(ctx, qs)
      const out = await qs.session.run({
        x: new ort.Tensor('float32', x, [n, ...q.net.inputShape]),
      })
      const feedAll = { x: new ort.Tensor('float32', x, [n, ...q.net.inputShape]) }
      const ortCodes = out['yq']?.data as Uint8Array
      const vsOrt = codeAgreement(codes, ortCodes)
      const qdqRefOut = await dqRef.session.run(feedAll)
      const qdqFusedOut = await dqs.session.run(feedAll)
      const vsQdqRef = codeAgreement(fakeCodes, qdqRefOut['yq']?.data as Uint8Array)
      const vsQdqFused = codeAgreement(fakeCodes, qdqFusedOut['yq']?.data as Uint8Array)
      const tsVsQdqFused = codeAgreement(codes, qdqFusedOut['yq']?.data as Uint8Array)
      const b = Math.min(params.batch, data.test.n)
      const feed = {
        x: new ort.Tensor('float32', data.test.images.subarray(0, b * size), [
          b,
          ...q.net.inputShape,
        ]),
      }
      const fp32: number[] = []
      const int8: number[] = []
      const qdqMs: number[] = []
      for (let r = 0; r < params.rounds; r++) {
        ctx.signal.throwIfAborted()
        fp32.push(
          ...(
            await measureLatency(() => fs.session.run(feed), {
              timeMs: params.timeMs,
              minSamples: 5,
              maxTimeMs: params.timeMs,
            })
          ).samples,
        )
        int8.push(
          ...(
            await measureLatency(() => qs.session.run(feed), {
              timeMs: params.timeMs,
              minSamples: 5,
              maxTimeMs: params.timeMs,
            })
          ).samples,
        )
        qdqMs.push(
          ...(
            await measureLatency(() => dqs.session.run(feed), {
              timeMs: params.timeMs,
              minSamples: 5,
              maxTimeMs: params.timeMs,
            })
          ).samples,
        )
      }
      const qdqRatio = bootstrapRatioOfMedians(qdqMs, fp32, { rng: ctx.rng.fork('bootstrap-qdq') })
      const ratio = bootstrapRatioOfMedians(int8, fp32, { rng: ctx.rng.fork('bootstrap') })
      const intTop1 = top1(intLogits, labels)
      const fakeTop1 = top1(fake, labels)
      const fid = n === data.test.n ? fidelityMetrics(prep, intLogits, labels) : undefined
      return {
        top1: metric(intTop1 * 100, '%', 'higher'),
        fake_top1: metric(fakeTop1 * 100, '%', 'higher'),
        int_vs_fake_pt: metric(Math.abs(intTop1 - fakeTop1) * 100, 'pt', 'lower'),
        ort_exact: metric(vsOrt.exact, '%', 'higher'),
        ort_max_code_diff: metric(vsOrt.max, 'codes', 'lower'),
        qdq_ref_exact: metric(vsQdqRef.exact, '%', 'higher'),
        qdq_ref_max_code_diff: metric(vsQdqRef.max, 'codes', 'lower'),
        qdq_fused_exact: metric(vsQdqFused.exact, '%', 'higher'),
        qdq_fused_max_code_diff: metric(vsQdqFused.max, 'codes', 'lower'),
        qdq_fused_vs_ts_exact: metric(tsVsQdqFused.exact, '%', 'higher'),
        qdq_top1: metric(top1(qdqFusedOut['y']?.data as Float32Array, labels) * 100, '%', 'higher'),
        latency_qdq_ms: metric(median(qdqMs), 'ms', 'lower', qdqMs),
        qdq_fp32_ratio: metric(qdqRatio.ratio, 'x', 'lower'),
        qdq_ratio_lo: metric(qdqRatio.lo, 'x', 'lower'),
        qdq_ratio_hi: metric(qdqRatio.hi, 'x', 'lower'),
        ort_top1: metric(top1(out['y']?.data as Float32Array, labels) * 100, '%', 'higher'),
        latency_int8_ms: metric(median(int8), 'ms', 'lower', int8),
        latency_fp32_ms: metric(median(fp32), 'ms', 'lower', fp32),
        int8_fp32_ratio: metric(ratio.ratio, 'x', 'lower'),
        ratio_lo: metric(ratio.lo, 'x', 'lower'),
        ratio_hi: metric(ratio.hi, 'x', 'lower'),
        ts_kernel_ms_per_example: metric(tsMs, 'ms', 'lower'),
        ...(fid?.logit_kl ? { logit_kl: fid.logit_kl } : {}),
        ...costMetrics(
          q.net,
          weightedLayers(q.net).map(() => params.wBits),
          params.aBits,
        ),
      }
    } finally {
      for (const s of sessions) await s.session.release()
    }
  },
}
