/**
 * `tfjs-dense`: the same dense layer stack run by TensorFlow.js (matMul + bias + relu per layer)
 * on the chosen backend: wasm by default, the backend a researcher has without tfjs-node.
 */
import { z } from 'zod'
import { type DenseStack, maxRelativeError } from '../../datasets/dense-stack.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { TimingParams, timedMetrics } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'

const Params = z.strictObject({
  backend: z.enum(['node', 'wasm', 'cpu']).default('wasm'),
  ...TimingParams,
})

export const tfjsDense: SubjectDef<z.output<typeof Params>, DenseStack> = {
  name: 'tfjs-dense',
  kind: 'baseline',
  description: 'Dense layer stack in TensorFlow.js (wasm backend by default)',
  params: Params,
  async run(ctx, { params, dataset }) {
    const { tf, backend, version, threads } = await initTfjs({
      prefer: params.backend,
      device: ctx.device,
      threads: ctx.threads,
    })
    ctx.annotate('backend', `tfjs-${backend}`)
    ctx.annotate('tfjs', version)
    ctx.annotate('backendThreads', threads)
    const stack = dataset.data
    const first = stack.layers[0]
    if (!first) throw new RangeError('dense-stack has no layers')
    const weights = stack.layers.map((l) => ({
      w: tf.tensor2d(l.weight, [l.inputs, l.outputs]),
      b: tf.tensor1d(l.bias),
      relu: l.relu,
    }))
    const x = tf.tensor2d(stack.input, [stack.batch, first.inputs])
    const forward = () => {
      const y = tf.tidy(() => {
        let h: typeof x = x
        for (const { w, b, relu } of weights) {
          const z = tf.add(tf.matMul(h, w), b) as typeof x
          h = relu ? tf.relu(z) : z
        }
        return h
      })
      const data = y.dataSync()
      y.dispose()
      return data
    }
    try {
      const error = maxRelativeError(forward() as Float32Array, stack.expected)
      const timed = await timedMetrics(forward, params, {
        batch: stack.batch,
        flops: 2 * stack.macs,
      })
      return {
        ...timed,
        max_rel_err: metric(error, '', 'lower'),
      }
    } finally {
      x.dispose()
      for (const { w, b } of weights) {
        w.dispose()
        b.dispose()
      }
    }
  },
}
