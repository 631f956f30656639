/**
 * The sparse engine's network level: a pruned BERT-like encoder (datasets/pruned-encoder.ts) run
 * block by block on feature-major activations (d x T), the layout of the generated kernels.
 *
 *   prepare   per block: Q, K, V stacked into one 3d x d layer (one kernel, one pass over X);
 *             per layer a kernel chosen by sparsity (layer.ts): generated for its pattern, rows
 *             reordered by nonzero count so a register block holds rows of similar work (plan.ts),
 *             bias fused, ReLU fused into ffn1; dense operators from native-ops.ts
 *   forward   x = h0ᵀ; per block: qkv = Wqkv·x + b; ctx = attention(qkv) (dense); a = Wo·ctx + b;
 *             x = LN(x + a); f = relu(W1·x + b1); a = W2·f + b2; x = LN(x + a)
 */

import type { EncoderBlockWeights } from '../../models/sparse/encoder-onnx.ts'
import type { PrunedEncoder } from '../../studies/sparse/pruned-encoder.ts'
import { type KernelChoice, prepareLayer } from './layer.ts'
import { loadNativeOps, type NativeOps } from './native-ops.ts'
import type { Clock, PreparedKernel, Tile } from './types.ts'

export interface EncoderEngineOptions {
  /** Sparsity from which a layer gets a generated kernel. @default 0.5 */
  sparseFrom?: number
  tile?: Partial<Tile>
  /** Native library cache folder (generated kernels and the dense operators). */
  cacheDir?: string
  clock: Clock
}

export interface EncoderEngine {
  /** h0ᵀ (d x T) -> hidden states (d x T). */
  forward(input: Float32Array, out: Float32Array): void
  /** Per block and layer (qkv, o, ffn1, ffn2): what was chosen. */
  choices: { layer: string; choice: KernelChoice }[]
  /** Generation + compile + load of every kernel and the operators. */
  prepareMs: number
  codeBytes: number
  dispose(): void
}

interface PreparedBlock {
  qkv: PreparedKernel
  o: PreparedKernel
  ffn1: PreparedKernel
  ffn2: PreparedKernel
  w: EncoderBlockWeights
}

function stack(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0))
  let at = 0
  for (const r of rows) {
    out.set(r, at)
    at += r.length
  }
  return out
}

/** Builds the engine for a pruned encoder; needs a C compiler. */
export async function prepareEncoder(
  data: PrunedEncoder,
  o: EncoderEngineOptions,
): Promise<EncoderEngine> {
  const t0 = o.clock()
  const { dModel: d, seqLength: T, heads, ffn, eps } = data
  const ops: NativeOps = loadNativeOps(o.cacheDir)
  const common = {
    N: T,
    ops,
    clock: o.clock,
    ...(o.sparseFrom === undefined ? {} : { sparseFrom: o.sparseFrom }),
    ...(o.tile ? { tile: o.tile } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  }
  const choices: EncoderEngine['choices'] = []
  const kernels: PreparedKernel[] = []
  const layer = async (
    name: string,
    w: Float32Array,
    bias: Float32Array,
    M: number,
    K: number,
    relu: boolean,
  ) => {
    const r = await prepareLayer(w, { ...common, M, K, bias, relu })
    kernels.push(r.kernel)
    choices.push({ layer: name, choice: r.choice })
    return r.kernel
  }
  const blocks: PreparedBlock[] = []
  try {
    for (const [i, w] of data.blocks.entries()) {
      const p = `block${i + 1}`
      const qkv = await layer(
        `${p}_qkv`,
        stack([w.q.w, w.k.w, w.v.w]),
        stack([w.q.bias, w.k.bias, w.v.bias]),
        3 * d,
        d,
        false,
      )
      const out = await layer(`${p}_o`, w.o.w, w.o.bias, d, d, false)
      const f1 = await layer(`${p}_ffn1`, w.ffn1.w, w.ffn1.bias, ffn, d, true)
      const f2 = await layer(`${p}_ffn2`, w.ffn2.w, w.ffn2.bias, d, ffn, false)
      blocks.push({ qkv, o: out, ffn1: f1, ffn2: f2, w })
    }
  } catch (e) {
    for (const k of kernels) k.dispose()
    ops.dispose()
    throw e
  }
  const x = new Float32Array(d * T)
  const qkvBuf = new Float32Array(3 * d * T)
  const ctxBuf = new Float32Array(d * T)
  const a = new Float32Array(d * T)
  const h = new Float32Array(ffn * T)
  const scratch = new Float32Array(T * T)
  const tmp = new Float32Array(2 * T)
  return {
    forward(input, out) {
      if (input.length !== d * T || out.length !== d * T)
        throw new TypeError(
          `Cannot run the encoder engine: input and output must hold ${d} x ${T} values, got ${input.length} and ${out.length}`,
        )
      x.set(input)
      for (const b of blocks) {
        b.qkv.run(x, qkvBuf)
        ops.attention(qkvBuf, ctxBuf, scratch, T, d, heads)
        b.o.run(ctxBuf, a)
        ops.addLayerNorm(x, a, b.w.norm1.gamma, b.w.norm1.beta, tmp, d, T, eps)
        b.ffn1.run(x, h)
        b.ffn2.run(h, a)
        ops.addLayerNorm(x, a, b.w.norm2.gamma, b.w.norm2.beta, tmp, d, T, eps)
      }
      out.set(x)
    },
    choices,
    prepareMs: o.clock() - t0,
    codeBytes: kernels.reduce((s, k) => s + k.codeBytes, 0),
    dispose() {
      for (const k of kernels) k.dispose()
      ops.dispose()
    },
  }
}
