/**
 * `pruned-encoder`: the zoo's tiny BERT-like encoder (models/encoder.ts, post-LN, ReLU FFN,
 * hidden-state head) with random weights, every q/k/v/o/ffn1/ffn2 kernel magnitude-pruned per
 * layer to the target sparsity (attention itself is weight-free and stays dense), small random
 * biases, one sequence of random tokens; plus tfjs's own output on it as the reference.
 *
 * Engines start from the embedding layer's normalised output `h0` (the gather + position add +
 * LN are the same for all of them), so `h0` and `expected` are both [T, d] token-major.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import type { DatasetDef } from '../../harness/types.ts'
import { encoder } from '../../models/encoder.ts'
import type { EncoderBlockWeights, EncoderLinear } from '../../models/sparse/encoder-onnx.ts'
import { applyMask, pruneMagnitude } from '../../models/sparse/prune.ts'

export interface PrunedEncoder {
  dModel: number
  heads: number
  ffn: number
  seqLength: number
  sparsity: number
  pattern: 'unstructured' | '1x4'
  /** LayerNorm epsilon of the zoo encoder. */
  eps: number
  blocks: EncoderBlockWeights[]
  /** Embedding output after its LayerNorm, [T, d]. */
  h0: Float32Array
  /** tfjs's hidden states after the last block, [T, d]. */
  expected: Float32Array
  /** Nonzero weights over the pruned kernels, and their total. */
  nnz: number
  weights: number
  /** Multiply-adds of the dense encoder blocks (linear layers + attention) for one sequence. */
  macs: number
}

const Params = z.strictObject({
  dModel: z.number().int().positive().default(768),
  heads: z.number().int().positive().default(12),
  ffn: z.number().int().positive().default(3072),
  seqLength: z.number().int().positive().default(128),
  layers: z.number().int().positive().default(2),
  sparsity: z.number().min(0).max(0.999),
  pattern: z.enum(['unstructured', '1x4']).default('unstructured'),
})

const LINEARS = ['q', 'k', 'v', 'o', 'ffn1', 'ffn2'] as const

/** Layer weights of a tfjs layer as Float32Arrays. */
function weightsOf(model: tfl.LayersModel, name: string): Float32Array[] {
  return model
    .getLayer(name)
    .getWeights()
    .map((t) => t.dataSync() as Float32Array)
}

export const prunedEncoder: DatasetDef<z.output<typeof Params>, PrunedEncoder> = {
  name: 'pruned-encoder',
  description:
    "The zoo's tiny encoder with every linear kernel magnitude-pruned to a target sparsity, one random sequence and tfjs's output on it",
  version: '1',
  params: Params,
  async load(ctx, p) {
    if (p.dModel % p.heads !== 0)
      throw new RangeError(
        `Cannot load pruned-encoder: heads ${p.heads} must divide dModel ${p.dModel}`,
      )
    await initTfjs()
    const mp = encoder.params.parse({
      vocabSize: 256,
      seqLength: p.seqLength,
      layers: p.layers,
      dModel: p.dModel,
      heads: p.heads,
      ffn: p.ffn,
      activation: 'relu',
      head: 'none',
    })
    const model = encoder.build(mp, ctx.rng.fork('init'))
    const brng = ctx.rng.fork('bias')
    let nnz = 0
    let weights = 0
    const blocks: EncoderBlockWeights[] = []
    try {
      for (let l = 1; l <= p.layers; l++) {
        const lin = {} as Record<(typeof LINEARS)[number], EncoderLinear>
        for (const name of LINEARS) {
          const layer = model.getLayer(`block${l}_${name}`)
          const [kernel, bias] = weightsOf(model, `block${l}_${name}`) as [
            Float32Array,
            Float32Array,
          ]
          const inN = kernel.length / bias.length
          const outN = bias.length
          // The kernel is in x out; the engine's W is out x in.
          const w = new Float32Array(outN * inN)
          for (let i = 0; i < inN; i++)
            for (let o = 0; o < outN; o++) w[o * inN + i] = kernel[i * outN + o] as number
          const { mask, kept } = pruneMagnitude(
            { values: w, rows: outN, cols: inN },
            { sparsity: p.sparsity, pattern: p.pattern },
          )
          const pruned = applyMask(w, mask)
          const b = new Float32Array(outN)
          for (let o = 0; o < outN; o++) b[o] = brng.normal() * 0.02
          nnz += kept
          weights += pruned.length
          const back = new Float32Array(kernel.length)
          for (let i = 0; i < inN; i++)
            for (let o = 0; o < outN; o++) back[i * outN + o] = pruned[o * inN + i] as number
          const fresh = [tf.tensor2d(back, [inN, outN]), tf.tensor1d(b)]
          layer.setWeights(fresh)
          tf.dispose(fresh)
          lin[name] = { w: pruned, bias: b, out: outN, in: inN }
        }
        const norm = (name: string) => {
          const [gamma, beta] = weightsOf(model, name) as [Float32Array, Float32Array]
          return { gamma: Float32Array.from(gamma), beta: Float32Array.from(beta) }
        }
        blocks.push({ ...lin, norm1: norm(`block${l}_norm1`), norm2: norm(`block${l}_norm2`) })
      }
      const trng = ctx.rng.fork('tokens')
      const ids = Int32Array.from({ length: p.seqLength }, () => trng.int(256))
      const embedding = tfl.model({
        inputs: model.inputs,
        outputs: model.getLayer('embedding_norm').output as tfl.SymbolicTensor,
      })
      const [h0, expected] = tf.tidy(() => {
        const tokens = tf.tensor2d(ids, [1, p.seqLength], 'int32')
        return [
          (embedding.predict(tokens) as tf.Tensor).dataSync() as Float32Array,
          (model.predict(tokens) as tf.Tensor).dataSync() as Float32Array,
        ]
      })
      const T = p.seqLength
      const d = p.dModel
      const macs = p.layers * (T * (4 * d * d + 2 * d * p.ffn) + 2 * T * T * d)
      return {
        dModel: d,
        heads: p.heads,
        ffn: p.ffn,
        seqLength: T,
        sparsity: p.sparsity,
        pattern: p.pattern,
        eps: 1e-5,
        blocks,
        h0: h0 as Float32Array,
        expected: expected as Float32Array,
        nnz,
        weights,
        macs,
      }
    } finally {
      model.dispose()
    }
  },
}
