/**
 * `onnxruntime-encoder`: the pruned encoder's blocks run dense (zeros stored) by onnxruntime-node
 * with `ctx.threads` intra-op threads, from the embedding output [T, d]: the dense bar of the
 * sparse engine's end-to-end study.
 */
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { annotateOrtSession, createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams, timedMetrics } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { encoderBlocksModel } from '../../models/sparse/encoder-onnx.ts'
import type { PrunedEncoder } from '../../studies/sparse/pruned-encoder.ts'

const Params = z.strictObject({ ...TimingParams })

export const onnxruntimeEncoder: SubjectDef<z.output<typeof Params>, PrunedEncoder> = {
  name: 'onnxruntime-encoder',
  kind: 'baseline',
  description: 'Pruned encoder blocks run dense in onnxruntime-node (MLAS)',
  params: Params,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const t0 = ctx.now()
    const s = await createOrtSession(encoderBlocksModel(data), { threads: ctx.threads })
    const prepareMs = ctx.now() - t0
    ctx.annotate('backend', `onnxruntime-${s.executionProvider}`)
    annotateOrtSession(ctx, s)
    const feeds = { h: new ort.Tensor('float32', data.h0, [data.seqLength, data.dModel]) }
    try {
      const y = (await s.session.run(feeds)).y?.data as Float32Array
      const timed = await timedMetrics(() => s.session.run(feeds), params, {
        batch: 1,
        flops: 2 * data.macs,
      })
      return {
        ...timed,
        prepare_ms: metric(prepareMs, 'ms', 'lower'),
        max_rel_err: metric(maxRelativeError(y, data.expected), '', 'lower'),
      }
    } finally {
      await s.session.release()
    }
  },
}
