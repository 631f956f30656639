/**
 * `onnxruntime-dense`: a dense layer stack run by onnxruntime-node's CPU kernels, with explicit
 * intra-op threads and sequential execution; the reference point of the dense-inference study.
 */
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import type { DenseStack } from '../../datasets/dense-stack.ts'
import { annotateOrtSession, createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams, timedMetrics } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { denseStackModel } from './graph.ts'

const Params = z.strictObject({
  ...TimingParams,
})

export const onnxruntimeDense: SubjectDef<z.output<typeof Params>, DenseStack> = {
  name: 'onnxruntime-dense',
  kind: 'baseline',
  description: 'Dense layer stack in onnxruntime-node (CPU execution provider)',
  params: Params,
  async run(ctx, { params, dataset }) {
    const stack = dataset.data
    const ortSession = await createOrtSession(denseStackModel(stack.layers, stack.batch), {
      threads: ctx.threads,
      device: ctx.device,
    })
    const { session } = ortSession
    ctx.annotate('backend', `onnxruntime-${ortSession.executionProvider}`)
    annotateOrtSession(ctx, ortSession)
    const first = stack.layers[0]
    if (!first) throw new RangeError('dense-stack has no layers')
    const feeds = { x: new ort.Tensor('float32', stack.input, [stack.batch, first.inputs]) }
    try {
      const out = await session.run(feeds)
      const error = maxRelativeError(out.y?.data as Float32Array, stack.expected)
      const timed = await timedMetrics(() => session.run(feeds), params, {
        batch: stack.batch,
        flops: 2 * stack.macs,
      })
      return {
        ...timed,
        max_rel_err: metric(error, '', 'lower'),
      }
    } finally {
      await session.release()
    }
  },
}
