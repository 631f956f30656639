/**
 * A small VGG-style CNN: blocks of 3x3 same-padded convs, each block closed by a 2x2 max pool,
 * then dense layers. Default on 28x28x1: [16, 16] pool [32, 32] pool -> 64 -> 10.
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import type { Rng } from '../harness/run/rng.ts'
import { convCost, denseCost, hwc, type LayerCost, poolCost, sumFlops, sumParams } from './cost.ts'
import { ACTIVATIONS, Initializers, OUTPUT_ACTIVATIONS, type ZooModel } from './zoo-model.ts'

const positiveInt = z.number().int().positive()

export const CnnParams = z
  .object({
    /** [height, width, channels]. @default [28, 28, 1] */
    inputShape: z.tuple([positiveInt, positiveInt, positiveInt]).default([28, 28, 1]),
    /** Conv blocks: the filters of each 3x3 conv; a 2x2 max pool ends each block. @default [[16, 16], [32, 32]] */
    blocks: z
      .array(z.array(positiveInt).min(1))
      .min(1)
      .default([
        [16, 16],
        [32, 32],
      ]),
    /** Hidden dense widths after flattening. @default [64] */
    dense: z.array(positiveInt).default([64]),
    /** @default 10 */
    numClasses: positiveInt.default(10),
    /** @default 'relu' */
    activation: z.enum(ACTIVATIONS).default('relu'),
    /** `linear` gives logits. @default 'linear' */
    outputActivation: z.enum(OUTPUT_ACTIVATIONS).default('linear'),
  })
  .strict()
export type CnnParams = z.output<typeof CnnParams>

function costs(p: CnnParams): LayerCost[] {
  const out: LayerCost[] = []
  let shape: [number, number, number] = p.inputShape
  p.blocks.forEach((block, b) => {
    block.forEach((filters, i) => {
      const c = convCost(`conv${b + 1}_${i + 1}`, shape, filters, 3, 'same')
      out.push(c)
      shape = hwc(c)
    })
    const pool = poolCost(`pool${b + 1}`, shape)
    out.push(pool)
    shape = hwc(pool)
  })
  let fanIn = shape[0] * shape[1] * shape[2]
  p.dense.forEach((units, i) => {
    out.push(denseCost(`fc${i + 1}`, fanIn, units))
    fanIn = units
  })
  out.push(denseCost('logits', fanIn, p.numClasses))
  return out
}

function build(p: CnnParams, rng?: Rng): tfl.LayersModel {
  const init = new Initializers(rng)
  const model = tfl.sequential({ name: 'cnn' })
  model.add(tfl.layers.inputLayer({ inputShape: [...p.inputShape] }))
  p.blocks.forEach((block, b) => {
    block.forEach((filters, i) => {
      model.add(
        tfl.layers.conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: p.activation,
          kernelInitializer: init.glorot(),
          name: `conv${b + 1}_${i + 1}`,
        }),
      )
    })
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${b + 1}` }))
  })
  model.add(tfl.layers.flatten({ name: 'flatten' }))
  p.dense.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: p.activation,
        kernelInitializer: init.glorot(),
        name: `fc${i + 1}`,
      }),
    )
  })
  model.add(
    tfl.layers.dense({
      units: p.numClasses,
      activation: p.outputActivation,
      kernelInitializer: init.glorot(),
      name: 'logits',
    }),
  )
  return model
}

/** Small VGG-style CNN on NHWC images [n, h, w, c]; outputs [n, numClasses]. */
export const cnn: ZooModel<CnnParams> = {
  name: 'cnn',
  description: 'Small VGG-style CNN: blocks of 3x3 convs and 2x2 max pools, then dense layers',
  params: CnnParams,
  build,
  costs,
  countParams: (p) => sumParams(costs(p)),
  countFlops: (p, convention) => sumFlops(costs(p), convention),
}
