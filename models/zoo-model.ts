/** The contract of a zoo model: a ModelDef plus its analytic cost counters. */
import * as tfl from '@tensorflow/tfjs-layers'
import { Rng } from '../harness/run/rng.ts'
import type { ModelDef } from '../harness/types.ts'
import type { FlopConvention, LayerCost } from './cost.ts'

/** A network builder shared by methods, with parameter and FLOP counters from the architecture. */
export interface ZooModel<P> extends ModelDef<P, tfl.LayersModel> {
  /**
   * Builds the network. Initial weights come from seeds drawn from `rng` in layer order, so the
   * same rng state gives the same weights bit for bit on a backend.
   * @default rng new Rng(0)
   */
  build(params: P, rng?: Rng): tfl.LayersModel
  /** The layers as the cost counters see them, in order. */
  costs(params: P): LayerCost[]
  /** Parameter count; equals `build(params).countParams()`. */
  countParams(params: P): number
  /** FLOPs per example (per sequence for transformers). @default convention 'macs' */
  countFlops(params: P, convention?: FlopConvention): number
}

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu', 'linear'] as const
export type Activation = (typeof ACTIVATIONS)[number]
/** Output activations. `linear` gives logits, which `train()`'s default loss expects. */
export const OUTPUT_ACTIVATIONS = ['linear', 'softmax', 'sigmoid', 'tanh'] as const
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number]

/** A tfjs-layers weight initializer. */
export type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>

/** Seeded initializers drawn from one Rng, in the order layers are created. */
export class Initializers {
  private readonly rng: Rng
  constructor(rng: Rng = new Rng(0)) {
    this.rng = rng
  }
  /** Glorot-uniform kernel initializer with the next seed. */
  glorot(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.rng.nextUint32() })
  }
  /** Normal(0, stddev) initializer with the next seed (embeddings, transformer kernels). */
  normal(stddev = 0.02): Initializer {
    return tfl.initializers.randomNormal({ mean: 0, stddev, seed: this.rng.nextUint32() })
  }
}
