/**
 * LeNet-5: conv5x5·6 -> pool2 -> conv5x5·16 -> pool2 -> fc120 -> fc84 -> fc(numClasses), on
 * NHWC images, same padding by default (28x28 input keeps 28x28, then 14x14, then 7x7).
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import type { Rng } from '../harness/run/rng.ts'
import { convCost, denseCost, hwc, type LayerCost, poolCost, sumFlops, sumParams } from './cost.ts'
import { ACTIVATIONS, Initializers, OUTPUT_ACTIVATIONS, type ZooModel } from './zoo-model.ts'

export const Lenet5Params = z
  .object({
    /** [height, width, channels]. @default [28, 28, 1] */
    inputShape: z
      .tuple([
        z.number().int().positive(),
        z.number().int().positive(),
        z.number().int().positive(),
      ])
      .default([28, 28, 1]),
    /** Filters of the two conv layers. @default [6, 16] */
    filters: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([6, 16]),
    /** Widths of the two hidden dense layers. @default [120, 84] */
    units: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([120, 84]),
    /** @default 5 */
    kernelSize: z.number().int().positive().default(5),
    /** @default 'same' */
    padding: z.enum(['same', 'valid']).default('same'),
    /** @default 'max' */
    pooling: z.enum(['max', 'avg']).default('max'),
    /** @default 10 */
    numClasses: z.number().int().positive().default(10),
    /** @default 'relu' */
    activation: z.enum(ACTIVATIONS).default('relu'),
    /** `linear` gives logits. @default 'linear' */
    outputActivation: z.enum(OUTPUT_ACTIVATIONS).default('linear'),
  })
  .strict()
export type Lenet5Params = z.output<typeof Lenet5Params>

function costs(p: Lenet5Params): LayerCost[] {
  const conv1 = convCost('conv1', p.inputShape, p.filters[0], p.kernelSize, p.padding)
  const pool1 = poolCost('pool1', hwc(conv1))
  const conv2 = convCost('conv2', hwc(pool1), p.filters[1], p.kernelSize, p.padding)
  const pool2 = poolCost('pool2', hwc(conv2))
  const flat = hwc(pool2).reduce((a, b) => a * b, 1)
  const fc1 = denseCost('fc1', flat, p.units[0])
  const fc2 = denseCost('fc2', p.units[0], p.units[1])
  const logits = denseCost('logits', p.units[1], p.numClasses)
  return [conv1, pool1, conv2, pool2, fc1, fc2, logits]
}

function build(p: Lenet5Params, rng?: Rng): tfl.LayersModel {
  const init = new Initializers(rng)
  const pool = (name: string) =>
    p.pooling === 'max'
      ? tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name })
      : tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, name })
  const conv = (filters: number, name: string) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: p.kernelSize,
      padding: p.padding,
      activation: p.activation,
      kernelInitializer: init.glorot(),
      name,
    })
  const dense = (
    units: number,
    activation: Lenet5Params['activation'] | Lenet5Params['outputActivation'],
    name: string,
  ) => tfl.layers.dense({ units, activation, kernelInitializer: init.glorot(), name })
  const model = tfl.sequential({ name: 'lenet5' })
  model.add(tfl.layers.inputLayer({ inputShape: [...p.inputShape] }))
  model.add(conv(p.filters[0], 'conv1'))
  model.add(pool('pool1'))
  model.add(conv(p.filters[1], 'conv2'))
  model.add(pool('pool2'))
  model.add(tfl.layers.flatten({ name: 'flatten' }))
  model.add(dense(p.units[0], p.activation, 'fc1'))
  model.add(dense(p.units[1], p.activation, 'fc2'))
  model.add(dense(p.numClasses, p.outputActivation, 'logits'))
  return model
}

/** LeNet-5 on NHWC images [n, h, w, c]; outputs [n, numClasses]. */
export const lenet5: ZooModel<Lenet5Params> = {
  name: 'lenet5',
  description: 'LeNet-5 (6c5-p2-16c5-p2-120-84-n), same padding by default',
  params: Lenet5Params,
  build,
  costs,
  countParams: (p) => sumParams(costs(p)),
  countFlops: (p, convention) => sumFlops(costs(p), convention),
}
