/**
 * `tfjs-dense`: the same dense layer stack run by TensorFlow.js (matMul + bias + relu per layer)
 * on the chosen backend: wasm by default, the backend a researcher has without tfjs-node.
 * On a `sparse-matmul` point it runs the pruned layer dense (zeros stored) as Yᵀ = relu(Xᵀ·Wᵀ + b),
 * the transposes outside the timing, with the SpMM metrics of that study.
 */
import { z } from 'zod'
import type { DenseStack } from '../../datasets/dense-stack.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams, timedMetrics } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { type SparseMatmul, spmmMetrics } from '../../studies/sparse/sparse-matmul.ts'

const Params = z.strictObject({
  backend: z.enum(['node', 'wasm', 'cpu']).default('wasm'),
  ...TimingParams,
})

type Stack = Pick<DenseStack, 'batch' | 'layers' | 'input' | 'expected' | 'macs'>

function transposed(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols)
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j] as number
  return t
}

/** A pruned W·X layer as a one-layer stack on Xᵀ: weight Wᵀ [K, M], expected Yᵀ [N, M]. */
function layerStack(d: SparseMatmul): Stack {
  return {
    batch: d.N,
    layers: [
      { weight: transposed(d.w, d.M, d.K), bias: d.bias, inputs: d.K, outputs: d.M, relu: true },
    ],
    input: transposed(d.x, d.K, d.N),
    expected: Float64Array.from(transposed(d.expected, d.M, d.N)),
    macs: d.M * d.K * d.N,
  }
}

export const tfjsDense: SubjectDef<z.output<typeof Params>, DenseStack | SparseMatmul> = {
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
    const data = dataset.data
    const stack: Stack = 'layers' in data ? data : layerStack(data)
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
      const timed =
        'layers' in data
          ? await timedMetrics(forward, params, { batch: stack.batch, flops: 2 * stack.macs })
          : await spmmMetrics(forward, params, data)
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
