/**
 * `dense-stack`: the weights and an input batch of a stack of dense layers, plus the reference
 * output computed in plain float64 JavaScript, so every backend timed on it can be checked.
 * Weights ~ N(0, 1/fan_in), biases ~ N(0, 0.01²), inputs ~ U[0, 1); deterministic per seed.
 */
import { z } from 'zod'
import type { DatasetDef } from '../harness/types.ts'

export const DENSE_STACKS = {
  /** The MNIST MLP of the pruning papers. */
  'mlp-784-300-100-10': [784, 300, 100, 10],
  /** One BERT-base FFN up-projection. */
  'linear-768x3072': [768, 3072],
} as const

export interface DenseLayer {
  /** Row-major [in, out]. */
  weight: Float32Array
  bias: Float32Array
  inputs: number
  outputs: number
  relu: boolean
}

export interface DenseStack {
  model: keyof typeof DENSE_STACKS
  batch: number
  layers: DenseLayer[]
  /** Row-major [batch, inputs of the first layer]. */
  input: Float32Array
  /** Row-major [batch, outputs of the last layer], float64 reference. */
  expected: Float64Array
  /** Multiply-accumulates of one forward pass of the batch. */
  macs: number
}

const Params = z.strictObject({
  model: z.enum(
    Object.keys(DENSE_STACKS) as [keyof typeof DENSE_STACKS, ...(keyof typeof DENSE_STACKS)[]],
  ),
  batch: z.number().int().min(1).max(4096),
})

/** Plain float64 forward pass: the reference every backend is checked against. */
export function denseForward(
  layers: readonly DenseLayer[],
  input: Float32Array,
  batch: number,
): Float64Array {
  let x: Float64Array = Float64Array.from(input)
  for (const l of layers) {
    const y = new Float64Array(batch * l.outputs)
    for (let b = 0; b < batch; b++) {
      const row = y.subarray(b * l.outputs, (b + 1) * l.outputs)
      for (let o = 0; o < l.outputs; o++) row[o] = l.bias[o] as number
      for (let i = 0; i < l.inputs; i++) {
        const xi = x[b * l.inputs + i] as number
        if (xi === 0) continue
        const w = l.weight.subarray(i * l.outputs, (i + 1) * l.outputs)
        for (let o = 0; o < l.outputs; o++) row[o] = (row[o] as number) + xi * (w[o] as number)
      }
      if (l.relu) for (let o = 0; o < l.outputs; o++) row[o] = Math.max(0, row[o] as number)
    }
    x = y
  }
  return x
}

export const denseStack: DatasetDef<z.output<typeof Params>, DenseStack> = {
  name: 'dense-stack',
  description:
    'Random weights and inputs of a dense layer stack (MLP 784-300-100-10, 768x3072 linear), with a float64 reference output',
  version: '1',
  params: Params,
  async load(ctx, { model, batch }) {
    const sizes = DENSE_STACKS[model]
    const layers: DenseLayer[] = []
    let macs = 0
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inputs = sizes[l] as number
      const outputs = sizes[l + 1] as number
      const weight = new Float32Array(inputs * outputs)
      const scale = 1 / Math.sqrt(inputs)
      for (let i = 0; i < weight.length; i++) weight[i] = ctx.rng.normal() * scale
      const bias = new Float32Array(outputs)
      for (let i = 0; i < outputs; i++) bias[i] = ctx.rng.normal() * 0.01
      layers.push({ weight, bias, inputs, outputs, relu: l + 2 < sizes.length })
      macs += batch * inputs * outputs
    }
    const input = new Float32Array(batch * (sizes[0] as number))
    for (let i = 0; i < input.length; i++) input[i] = ctx.rng.next()
    return { model, batch, layers, input, expected: denseForward(layers, input, batch), macs }
  },
}
