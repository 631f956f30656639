/** Multilayer perceptron on flat inputs: 784-300-100-10 by default. */
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import type { Rng } from '../harness/run/rng.ts'
import { denseCost, type LayerCost, sumFlops, sumParams } from './cost.ts'
import { ACTIVATIONS, Initializers, OUTPUT_ACTIVATIONS, type ZooModel } from './zoo-model.ts'

export const MlpParams = z
  .object({
    /** Flat input length. @default 784 */
    inputSize: z.number().int().positive().default(784),
    /** Hidden layer widths. @default [300, 100] */
    hidden: z.array(z.number().int().positive()).default([300, 100]),
    /** @default 10 */
    numClasses: z.number().int().positive().default(10),
    /** Hidden activation. @default 'relu' */
    activation: z.enum(ACTIVATIONS).default('relu'),
    /** Output activation; `linear` gives logits. @default 'linear' */
    outputActivation: z.enum(OUTPUT_ACTIVATIONS).default('linear'),
  })
  .strict()
export type MlpParams = z.output<typeof MlpParams>

function costs(p: MlpParams): LayerCost[] {
  const out: LayerCost[] = []
  let fanIn = p.inputSize
  p.hidden.forEach((units, i) => {
    out.push(denseCost(`dense${i + 1}`, fanIn, units))
    fanIn = units
  })
  out.push(denseCost('logits', fanIn, p.numClasses))
  return out
}

function build(p: MlpParams, rng?: Rng): tfl.LayersModel {
  const init = new Initializers(rng)
  const model = tfl.sequential({ name: 'mlp' })
  p.hidden.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: p.activation,
        kernelInitializer: init.glorot(),
        name: `dense${i + 1}`,
        ...(i === 0 ? { inputShape: [p.inputSize] } : {}),
      }),
    )
  })
  model.add(
    tfl.layers.dense({
      units: p.numClasses,
      activation: p.outputActivation,
      kernelInitializer: init.glorot(),
      name: 'logits',
      ...(p.hidden.length === 0 ? { inputShape: [p.inputSize] } : {}),
    }),
  )
  return model
}

/** MLP on flat inputs [n, inputSize]; outputs [n, numClasses]. */
export const mlp: ZooModel<MlpParams> = {
  name: 'mlp',
  description: 'Multilayer perceptron on flat inputs (784-300-100-10 by default)',
  params: MlpParams,
  build,
  costs,
  countParams: (p) => sumParams(costs(p)),
  countFlops: (p, convention) => sumFlops(costs(p), convention),
}
