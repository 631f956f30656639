/**
 * The sparse engine's network level: a pruned BERT-like encoder (datasets/pruned-encoder.ts) run
 * block by block on feature-major activations (d x T), the layout of the generated kernels.
 *
 *   prepare   per block: Q, K, V stacked into one 3d x d layer (one kernel, one pass over X);
 *             per layer a kernel chosen by sparsity (layer.ts): generated for its pattern, rows
 *             reordered by nonzero count so a register block holds rows of similar work (plan.ts),
 *             bias fused, ReLU fused into ffn1; dense operators from native-ops.ts
 *             Wo and W2 get the residual epilogue: their kernels add into x (Y = Y + W·X + b)
 *   forward   x = h0ᵀ; per block: qkv = Wqkv·x + b; ctx = attention(qkv) (dense, native-ops.ts);
 *             x += Wo·ctx + b; x = LN(x); f = relu(W1·x + b1); x += W2·f + b2; x = LN(x)
 *             no transposes: every operator reads and writes the d x T layout
 *   profile   the same sequence with each operator timed (per-op breakdown)
 */

import type { EncoderBlockWeights } from '../../models/sparse/encoder-onnx.ts'
import type { PrunedEncoder } from '../../studies/sparse/pruned-encoder.ts'
import { type KernelChoice, prepareLayer } from './layer.ts'
import { attentionScratch, loadNativeOps, type NativeOps } from './native-ops.ts'
import type { Clock, PreparedKernel, Tile } from './types.ts'

export interface EncoderEngineOptions {
  /** Sparsity from which a layer gets a generated kernel. @default 0.5 */
  sparseFrom?: number
  tile?: Partial<Tile>
  /** Native x86: instruction set of the generated kernels. @default the best the CPU has */
  isa?: 'avx2' | 'avx512'
  /** Group rows into register blocks by shared columns. @default false */
  clusterRows?: boolean
  /** Fuse the residual adds into the Wo / W2 kernels' epilogues. @default true */
  fuseResidual?: boolean
  /** Native library cache folder (generated kernels and the dense operators). */
  cacheDir?: string
  clock: Clock
}

export interface EncoderEngine {
  /** h0ᵀ (d x T) -> hidden states (d x T). */
  forward(input: Float32Array, out: Float32Array): void
  /** `forward` with every operator timed by the clock: ms per operator kind, summed over blocks. */
  profile(input: Float32Array, out: Float32Array): Record<EncoderOp, number>
  /** Per block and layer (qkv, o, ffn1, ffn2): what was chosen. */
  choices: { layer: string; choice: KernelChoice }[]
  /** Generation + compile + load of every kernel and the operators. */
  prepareMs: number
  codeBytes: number
  dispose(): void
}

/** Operator kinds of the per-op breakdown. */
export const ENCODER_OPS = ['qkv', 'attention', 'o', 'ln', 'ffn1', 'ffn2'] as const
export type EncoderOp = (typeof ENCODER_OPS)[number]

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
    ...(o.isa ? { isa: o.isa } : {}),
    ...(o.clusterRows !== undefined ? { clusterRows: o.clusterRows } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  }
  const fuse = o.fuseResidual ?? true
  const choices: EncoderEngine['choices'] = []
  const kernels: PreparedKernel[] = []
  const layer = async (
    name: string,
    w: Float32Array,
    bias: Float32Array,
    M: number,
    K: number,
    relu: boolean,
    accumulate = false,
  ) => {
    const r = await prepareLayer(w, { ...common, M, K, bias, relu, accumulate })
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
      const out = await layer(`${p}_o`, w.o.w, w.o.bias, d, d, false, fuse)
      const f1 = await layer(`${p}_ffn1`, w.ffn1.w, w.ffn1.bias, ffn, d, true)
      const f2 = await layer(`${p}_ffn2`, w.ffn2.w, w.ffn2.bias, d, ffn, false, fuse)
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
  const scratch = new Float32Array(attentionScratch(T, d, heads))
  const tmp = new Float32Array(2 * T)
  // The forward pass as a flat list of (kind, operator), run in order.
  const sequence: [EncoderOp, () => void][] = []
  for (const b of blocks) {
    const { norm1, norm2 } = b.w
    sequence.push(['qkv', () => b.qkv.run(x, qkvBuf)])
    sequence.push(['attention', () => ops.attention(qkvBuf, ctxBuf, scratch, T, d, heads)])
    if (fuse) {
      sequence.push(['o', () => b.o.run(ctxBuf, x)])
      sequence.push(['ln', () => ops.layerNorm(x, norm1.gamma, norm1.beta, tmp, d, T, eps)])
    } else {
      sequence.push(['o', () => b.o.run(ctxBuf, a)])
      sequence.push(['ln', () => ops.addLayerNorm(x, a, norm1.gamma, norm1.beta, tmp, d, T, eps)])
    }
    sequence.push(['ffn1', () => b.ffn1.run(x, h)])
    if (fuse) {
      sequence.push(['ffn2', () => b.ffn2.run(h, x)])
      sequence.push(['ln', () => ops.layerNorm(x, norm2.gamma, norm2.beta, tmp, d, T, eps)])
    } else {
      sequence.push(['ffn2', () => b.ffn2.run(h, a)])
      sequence.push(['ln', () => ops.addLayerNorm(x, a, norm2.gamma, norm2.beta, tmp, d, T, eps)])
    }
  }
  const check = (input: Float32Array, out: Float32Array) => {
    if (input.length !== d * T || out.length !== d * T)
      throw new TypeError(
        `Cannot run the encoder engine: input and output must hold ${d} x ${T} values, got ${input.length} and ${out.length}`,
      )
  }
  return {
    forward(input, out) {
      check(input, out)
      x.set(input)
      for (const [, op] of sequence) op()
      out.set(x)
    },
    profile(input, out) {
      check(input, out)
      const ms = Object.fromEntries(ENCODER_OPS.map((k) => [k, 0])) as Record<EncoderOp, number>
      x.set(input)
      for (const [kind, op] of sequence) {
        const t = o.clock()
        op()
        ms[kind] += o.clock() - t
      }
      out.set(x)
      return ms
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
