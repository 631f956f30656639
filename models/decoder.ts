/**
 * A tiny causal decoder LM (GPT-style, pre-LN): token + learned position embeddings, L blocks
 * (x = x + MHA(LN(x)) with a causal mask; x = x + FFN(LN(x))), a final layer norm and an
 * untied dense projection to the vocabulary.
 * Input: int32 token ids [n, seqLength]; output: next-token logits [n, seqLength, vocabSize].
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
import { ACTIVATIONS, Initializers, type ZooModel } from './zoo-model.ts'

const positiveInt = z.number().int().positive()

export const DecoderParams = z
  .object({
    /** @default 256 */
    vocabSize: positiveInt.default(256),
    /** Context length (fixed). @default 32 */
    seqLength: positiveInt.default(32),
    /** Number of blocks L. @default 2 */
    layers: positiveInt.default(2),
    /** Model width d. @default 64 */
    dModel: positiveInt.default(64),
    /** Attention heads; must divide dModel. @default 4 */
    heads: positiveInt.default(4),
    /** Feed-forward width. @default 256 */
    ffn: positiveInt.default(256),
    /** Feed-forward activation. @default 'gelu' */
    activation: z.enum(ACTIVATIONS).default('gelu'),
  })
  .strict()
  .refine((p) => p.dModel % p.heads === 0, {
    message: 'dModel must be a multiple of heads',
    path: ['heads'],
  })
export type DecoderParams = z.output<typeof DecoderParams>

function costs(p: DecoderParams): LayerCost[] {
  const s: BlockSizes = p
  const out = embeddingCosts(p.vocabSize, s)
  for (let l = 1; l <= p.layers; l++) {
    out.push(normCost(`block${l}_norm1`, s), ...attentionCosts(s, `block${l}`))
    out.push(normCost(`block${l}_norm2`, s), ...feedForwardCosts(s, `block${l}`))
  }
  out.push(normCost('final_norm', s), denseCost('logits', p.dModel, p.vocabSize, p.seqLength))
  return out
}

function build(p: DecoderParams, rng?: Rng): tfl.LayersModel {
  const init = new Initializers(rng)
  const tokens = tfl.input({ shape: [p.seqLength], dtype: 'int32', name: 'tokens' })
  let x = embed(tokens, p.vocabSize, p, init)
  for (let l = 1; l <= p.layers; l++) {
    const prefix = `block${l}`
    const a = selfAttention(layerNorm(x, `${prefix}_norm1`), p, true, init, prefix)
    x = residual(x, a, `${prefix}_add1`)
    const f = feedForward(layerNorm(x, `${prefix}_norm2`), p, p.activation, init, prefix)
    x = residual(x, f, `${prefix}_add2`)
  }
  const logits = tfl.layers
    .dense({ units: p.vocabSize, kernelInitializer: init.normal(), name: 'logits' })
    .apply(layerNorm(x, 'final_norm')) as tfl.SymbolicTensor
  return tfl.model({ inputs: tokens, outputs: logits, name: 'decoder' })
}

/** Tiny causal decoder LM on int32 tokens [n, seqLength]; logits [n, seqLength, vocabSize]. */
export const decoder: ZooModel<DecoderParams> = {
  name: 'decoder',
  description: 'Tiny causal transformer decoder LM (pre-LN, GPT-style)',
  params: DecoderParams,
  build,
  costs,
  countParams: (p) => sumParams(costs(p)),
  countFlops: (p, convention) => sumFlops(costs(p), convention),
}
