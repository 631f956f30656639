/**
 * `onnxruntime-matmul`: the pruned layer run dense (zeros stored) by onnxruntime-node's CPU
 * MatMul + Add + Relu with `ctx.threads` intra-op threads: the dense bar of the sparse-engine
 * study. Layout 'xtwt' (Yᵀ = Xᵀ·Wᵀ, weight as the prepacked B operand) is the default, being the
 * faster here; 'wx' computes W·X directly. The transposes of X and Y stay outside the timing.
 */
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { annotateOrtSession, createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { linearReluModel, transpose } from '../../studies/sparse/linear-onnx.ts'
import { type SparseMatmul, spmmMetrics } from '../../studies/sparse/sparse-matmul.ts'

const Params = z.strictObject({
  layout: z.enum(['xtwt', 'wx']).default('xtwt'),
  /** Intra-op threads; overrides the run's thread count (one and two threads in one run). */
  threads: z.number().int().min(1).optional(),
  ...TimingParams,
})

export const onnxruntimeMatmul: SubjectDef<z.output<typeof Params>, SparseMatmul> = {
  name: 'onnxruntime-matmul',
  kind: 'baseline',
  description: 'Pruned linear layer run dense (MatMul + Add + Relu) in onnxruntime-node',
  params: Params,
  async run(ctx, { params, dataset }) {
    const d = dataset.data
    const { M, K, N } = d
    const wx = params.layout === 'wx'
    const t0 = ctx.now()
    const ortSession = await createOrtSession(linearReluModel(d.w, d.bias, d, params.layout), {
      threads: params.threads ?? ctx.threads,
      device: ctx.device,
    })
    const prepareMs = ctx.now() - t0
    const { session } = ortSession
    ctx.annotate('backend', `onnxruntime-${ortSession.executionProvider}`)
    annotateOrtSession(ctx, ortSession)
    ctx.annotate('layout', params.layout)
    const input = wx ? d.x : transpose(d.x, K, N)
    const feeds = { x: new ort.Tensor('float32', input, wx ? [K, N] : [N, K]) }
    try {
      const out = (await session.run(feeds)).y?.data as Float32Array
      const y = wx ? out : transpose(out, N, M)
      const error = maxRelativeError(y, d.expected)
      const timed = await spmmMetrics(() => session.run(feeds), params, d)
      return {
        ...timed,
        prepare_ms: metric(prepareMs, 'ms', 'lower'),
        max_rel_err: metric(error, '', 'lower'),
      }
    } finally {
      await session.release()
    }
  },
}
