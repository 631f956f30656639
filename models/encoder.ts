/**
 * A tiny BERT-like encoder: token + learned position embeddings, layer norm, then L post-LN
 * blocks (x = LN(x + MHA(x)); x = LN(x + FFN(x))), then a head:
 * - `mean`: mean over tokens -> dense(numClasses), output [n, numClasses];
 * - `tokens`: dense(numClasses) at every token, output [n, T, numClasses];
 * - `none`: the hidden states [n, T, d].
 * Input: int32 token ids [n, seqLength] (fixed length, no padding mask).
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import type { Rng } from '../harness/run/rng.ts'
import { denseCost, type LayerCost, sumFlops, sumParams } from './cost.ts'
import {
  attentionCosts,
  type BlockSizes,
  embed,
  embeddingCosts,
  feedForward,
  feedForwardCosts,
  layerNorm,
  normCost,
  residual,
  selfAttention,
} from './transformer-layers.ts'
import { ACTIVATIONS, Initializers, OUTPUT_ACTIVATIONS, type ZooModel } from './zoo-model.ts'

const positiveInt = z.number().int().positive()

export const EncoderParams = z
  .object({
    /** @default 256 */
    vocabSize: positiveInt.default(256),
    /** Tokens per sequence (fixed). @default 32 */
    seqLength: positiveInt.default(32),
    /** Number of blocks L. @default 2 */
    layers: positiveInt.default(2),
    /** Model width d. @default 64 */
    dModel: positiveInt.default(64),
    /** Attention heads; must divide dModel. @default 4 */
    heads: positiveInt.default(4),
    /** Feed-forward width. @default 128 */
    ffn: positiveInt.default(128),
    /** Feed-forward activation. @default 'gelu' */
    activation: z.enum(ACTIVATIONS).default('gelu'),
    /** @default 'mean' */
    head: z.enum(['mean', 'tokens', 'none']).default('mean'),
    /** Outputs of the head (ignored for `none`). @default 2 */
    numClasses: positiveInt.default(2),
    /** `linear` gives logits. @default 'linear' */
    outputActivation: z.enum(OUTPUT_ACTIVATIONS).default('linear'),
  })
  .strict()
  .refine((p) => p.dModel % p.heads === 0, {
    message: 'dModel must be a multiple of heads',
    path: ['heads'],
  })
export type EncoderParams = z.output<typeof EncoderParams>

function costs(p: EncoderParams): LayerCost[] {
  const s: BlockSizes = p
  const out = [...embeddingCosts(p.vocabSize, s), normCost('embedding_norm', s)]
  for (let l = 1; l <= p.layers; l++) {
    out.push(...attentionCosts(s, `block${l}`), normCost(`block${l}_norm1`, s))
    out.push(...feedForwardCosts(s, `block${l}`), normCost(`block${l}_norm2`, s))
  }
  if (p.head === 'mean') {
    out.push({
      name: 'mean_pool',
      kind: 'pool',
      params: 0,
      fanIn: 0,
      outputs: 0,
      shape: [p.dModel],
    })
    out.push(denseCost('logits', p.dModel, p.numClasses))
  } else if (p.head === 'tokens') {
    out.push(denseCost('logits', p.dModel, p.numClasses, p.seqLength))
  }
  return out
}

function build(p: EncoderParams, rng?: Rng): tfl.LayersModel {
  const init = new Initializers(rng)
  const tokens = tfl.input({ shape: [p.seqLength], dtype: 'int32', name: 'tokens' })
  let x = layerNorm(embed(tokens, p.vocabSize, p, init), 'embedding_norm')
  for (let l = 1; l <= p.layers; l++) {
    const prefix = `block${l}`
    const a = selfAttention(x, p, false, init, prefix)
    x = layerNorm(residual(x, a, `${prefix}_add1`), `${prefix}_norm1`)
    const f = feedForward(x, p, p.activation, init, prefix)
    x = layerNorm(residual(x, f, `${prefix}_add2`), `${prefix}_norm2`)
  }
  if (p.head !== 'none') {
    const pooled =
      p.head === 'mean'
        ? (tfl.layers.globalAveragePooling1d({ name: 'mean_pool' }).apply(x) as tfl.SymbolicTensor)
        : x
    x = tfl.layers
      .dense({
        units: p.numClasses,
        activation: p.outputActivation,
        kernelInitializer: init.normal(),
        name: 'logits',
      })
      .apply(pooled) as tfl.SymbolicTensor
  }
  return tfl.model({ inputs: tokens, outputs: x, name: 'encoder' })
}

/** Tiny BERT-like encoder on int32 tokens [n, seqLength]. */
export const encoder: ZooModel<EncoderParams> = {
  name: 'encoder',
  description: 'Tiny BERT-like transformer encoder (post-LN) with a mean-pool or per-token head',
  params: EncoderParams,
  build,
  costs,
  countParams: (p) => sumParams(costs(p)),
  countFlops: (p, convention) => sumFlops(costs(p), convention),
}
