/**
 * Pieces shared by the tiny encoder and decoder: two custom tfjs layers (learned position
 * embeddings, multi-head scaled dot-product attention without weights) and the block builders
 * and cost descriptions that use them. The q/k/v/output projections are ordinary Dense layers
 * on [batch, T, d] tensors, so every weight is a standard, trainable tfjs-layers weight.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { denseCost, type LayerCost } from './cost.ts'
import type { Activation, Initializer, Initializers } from './zoo-model.ts'

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>
type Kwargs = Parameters<InstanceType<typeof tfl.layers.Layer>['call']>[1]
type Shape = (number | null)[]

function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const t = Array.isArray(inputs) ? inputs[0] : inputs
  if (t === undefined) throw new TypeError('Cannot apply layer: no input tensor')
  return t
}

/** Adds a learned position embedding [maxLength, d] to its input [batch, T, d], T <= maxLength. */
export class PositionEmbedding extends tfl.layers.Layer {
  static readonly className = 'EffbenchPositionEmbedding'
  readonly maxLength: number
  private readonly initializer: Initializer | undefined
  private embeddings: ReturnType<tfl.layers.Layer['addWeight']> | undefined

  constructor(args: LayerArgs & { maxLength: number; initializer?: Initializer }) {
    super(args)
    this.maxLength = args.maxLength
    this.initializer = args.initializer
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape
    const d = shape[shape.length - 1]
    if (typeof d !== 'number') throw new TypeError('Cannot build PositionEmbedding: unknown width')
    this.embeddings = this.addWeight(
      'embeddings',
      [this.maxLength, d],
      'float32',
      this.initializer ?? tfl.initializers.zeros(),
    )
    this.built = true
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs)
      const [, t, d] = x.shape as [number, number, number]
      if (!this.embeddings) throw new Error('Cannot call PositionEmbedding before it is built')
      return tf.add(x, tf.slice(this.embeddings.read(), [0, 0], [t, d]))
    })
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength }
  }
}

/**
 * Multi-head scaled dot-product attention on [q, k, v], each [batch, T, d]; no weights.
 * `causal` masks future positions (decoder). Sequences are fixed-length: there is no padding mask.
 */
export class DotProductAttention extends tfl.layers.Layer {
  static readonly className = 'EffbenchDotProductAttention'
  readonly heads: number
  readonly causal: boolean

  constructor(args: LayerArgs & { heads: number; causal: boolean }) {
    super(args)
    this.heads = args.heads
    this.causal = args.causal
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 3)
        throw new TypeError('Cannot apply DotProductAttention: expected [q, k, v]')
      const [q, k, v] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor]
      const [, t, d] = q.shape as [number, number, number]
      const h = this.heads
      const dh = d / h
      const split = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [-1, t, h, dh]), [0, 2, 1, 3])
      let scores = tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dh))
      if (this.causal) {
        const allowed = tf.linalg.bandPart(tf.ones([t, t]), -1, 0)
        scores = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9))
      }
      const context = tf.matMul(tf.softmax(scores), split(v))
      return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [-1, t, d])
    })
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, causal: this.causal }
  }
}

tf.serialization.registerClass(PositionEmbedding)
tf.serialization.registerClass(DotProductAttention)

/** Sizes of a transformer stack. */
export interface BlockSizes {
  seqLength: number
  dModel: number
  heads: number
  ffn: number
}

/** Multi-head self-attention sublayer: q/k/v projections, attention, output projection. */
export function selfAttention(
  x: tfl.SymbolicTensor,
  s: BlockSizes,
  causal: boolean,
  init: Initializers,
  prefix: string,
): tfl.SymbolicTensor {
  const proj = (name: string) =>
    tfl.layers
      .dense({ units: s.dModel, kernelInitializer: init.normal(), name: `${prefix}_${name}` })
      .apply(x) as tfl.SymbolicTensor
  const q = proj('q')
  const k = proj('k')
  const v = proj('v')
  const context = new DotProductAttention({
    heads: s.heads,
    causal,
    name: `${prefix}_attention`,
  }).apply([q, k, v]) as tfl.SymbolicTensor
  return tfl.layers
    .dense({ units: s.dModel, kernelInitializer: init.normal(), name: `${prefix}_o` })
    .apply(context) as tfl.SymbolicTensor
}

/** Position-wise feed-forward sublayer d -> ffn -> d. */
export function feedForward(
  x: tfl.SymbolicTensor,
  s: BlockSizes,
  activation: Activation,
  init: Initializers,
  prefix: string,
): tfl.SymbolicTensor {
  const h = tfl.layers
    .dense({ units: s.ffn, activation, kernelInitializer: init.normal(), name: `${prefix}_ffn1` })
    .apply(x)
  return tfl.layers
    .dense({ units: s.dModel, kernelInitializer: init.normal(), name: `${prefix}_ffn2` })
    .apply(h) as tfl.SymbolicTensor
}

/** Layer normalisation over the last axis. */
export function layerNorm(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
  return tfl.layers.layerNormalization({ epsilon: 1e-5, name }).apply(x) as tfl.SymbolicTensor
}

/** Residual add. */
export function residual(a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, name: string) {
  return tfl.layers.add({ name }).apply([a, b]) as tfl.SymbolicTensor
}

/** Token and position embeddings: tokens [batch, T] (int32) -> [batch, T, d]. */
export function embed(
  tokens: tfl.SymbolicTensor,
  vocabSize: number,
  s: BlockSizes,
  init: Initializers,
): tfl.SymbolicTensor {
  const x = tfl.layers
    .embedding({
      inputDim: vocabSize,
      outputDim: s.dModel,
      embeddingsInitializer: init.normal(),
      name: 'token_embedding',
    })
    .apply(tokens) as tfl.SymbolicTensor
  return new PositionEmbedding({
    maxLength: s.seqLength,
    initializer: init.normal(),
    name: 'position_embedding',
  }).apply(x) as tfl.SymbolicTensor
}

/** Costs of the embeddings. */
export function embeddingCosts(vocabSize: number, s: BlockSizes): LayerCost[] {
  const shape = [s.seqLength, s.dModel]
  return [
    {
      name: 'token_embedding',
      kind: 'embedding',
      params: vocabSize * s.dModel,
      fanIn: 0,
      outputs: 0,
      shape,
    },
    {
      name: 'position_embedding',
      kind: 'embedding',
      params: s.seqLength * s.dModel,
      fanIn: 0,
      outputs: 0,
      shape,
    },
  ]
}

/** Cost of a layer norm: 2·d parameters, no FLOPs counted. */
export function normCost(name: string, s: BlockSizes): LayerCost {
  return {
    name,
    kind: 'norm',
    params: 2 * s.dModel,
    fanIn: 0,
    outputs: 0,
    shape: [s.seqLength, s.dModel],
  }
}

/**
 * Costs of self-attention on one sequence: q, k, v, o projections (fan-in d, T·d outputs each),
 * scores q·kᵀ (fan-in d/heads, heads·T·T outputs, all counted even when causal) and the weighted
 * sum of values (fan-in T, T·d outputs). Softmax and scaling are not counted.
 */
export function attentionCosts(s: BlockSizes, prefix: string): LayerCost[] {
  const { seqLength: t, dModel: d, heads: h } = s
  return [
    denseCost(`${prefix}_q`, d, d, t),
    denseCost(`${prefix}_k`, d, d, t),
    denseCost(`${prefix}_v`, d, d, t),
    {
      name: `${prefix}_scores`,
      kind: 'attention',
      params: 0,
      fanIn: d / h,
      outputs: h * t * t,
      shape: [h, t, t],
    },
    {
      name: `${prefix}_context`,
      kind: 'attention',
      params: 0,
      fanIn: t,
      outputs: t * d,
      shape: [t, d],
    },
    denseCost(`${prefix}_o`, d, d, t),
  ]
}

/** Costs of the feed-forward sublayer on one sequence. */
export function feedForwardCosts(s: BlockSizes, prefix: string): LayerCost[] {
  return [
    denseCost(`${prefix}_ffn1`, s.dModel, s.ffn, s.seqLength),
    denseCost(`${prefix}_ffn2`, s.ffn, s.dModel, s.seqLength),
  ]
}
