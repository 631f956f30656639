/**
 * Inference of the trained LM in plain typed-array TypeScript, with sparse dispatch: each token
 * runs through its own expert only. Routed and Switch FFNs gather the rows of each expert into a
 * buffer, multiply by that expert's weights and scatter the results back, so the measured
 * tokens/s of Hash, Switch and Dense compare real work, not an inference from FLOPs.
 *
 *   routing     hash: a table lookup per token (inside the timed call); Switch: router matmul,
 *               argmax and the softmax gate (no capacity limit at inference)
 *   dispatch    per expert: gather rows -> W1, bias, relu -> W2, bias -> scatter
 */
import type { FfnSpec, LmConfig, Weights } from './moe-lm.ts'
import type { HashRouter, RouteFeatures } from './routing.ts'

/** The model's weights as typed arrays, read once from the tfjs variables. */
export type ArrayWeights = Map<string, Float32Array>

export function toArrays(w: Weights): ArrayWeights {
  const out: ArrayWeights = new Map()
  for (const [k, v] of w) out.set(k, Float32Array.from(v.dataSync()))
  return out
}

function at(w: ArrayWeights, name: string): Float32Array {
  const v = w.get(name)
  if (!v) throw new Error(`Cannot run inference: weight "${name}" is missing`)
  return v
}

/** out[i, colOffset + j] = Σ_k a[i, k]·b[k, j] + bias[j] for i < rows (out row stride `stride`). */
export function matmulInto(
  a: Float32Array,
  rows: number,
  inner: number,
  b: Float32Array,
  cols: number,
  bias: Float32Array | undefined,
  out: Float32Array,
  stride = cols,
  colOffset = 0,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * stride + colOffset
    if (bias) for (let j = 0; j < cols; j++) out[o + j] = bias[j] as number
    else out.fill(0, o, o + cols)
    for (let k = 0; k < inner; k++) {
      const av = a[i * inner + k] as number
      if (av === 0) continue
      const bo = k * cols
      for (let j = 0; j < cols; j++)
        out[o + j] = (out[o + j] as number) + av * (b[bo + j] as number)
    }
  }
}

function layerNormInto(x: Float32Array, n: number, d: number, g: Float32Array, b: Float32Array) {
  const out = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    let mean = 0
    for (let j = 0; j < d; j++) mean += x[i * d + j] as number
    mean /= d
    let v = 0
    for (let j = 0; j < d; j++) {
      const c = (x[i * d + j] as number) - mean
      v += c * c
    }
    const inv = 1 / Math.sqrt(v / d + 1e-5)
    for (let j = 0; j < d; j++)
      out[i * d + j] = ((x[i * d + j] as number) - mean) * inv * (g[j] as number) + (b[j] as number)
  }
  return out
}

function relu(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) if ((x[i] as number) < 0) x[i] = 0
}

/** Groups of token indices per expert. */
function groupsOf(assign: Int32Array, experts: number): Int32Array[] {
  const sizes = new Int32Array(experts)
  for (const e of assign) sizes[e] = (sizes[e] as number) + 1
  const groups = Array.from({ length: experts }, (_, e) => new Int32Array(sizes[e] as number))
  const fill = new Int32Array(experts)
  for (let i = 0; i < assign.length; i++) {
    const e = assign[i] as number
    ;(groups[e] as Int32Array)[fill[e] as number] = i
    fill[e] = (fill[e] as number) + 1
  }
  return groups
}

/**
 * y[rows of e, colOffset..] = x[rows of e]·W_e + b_e for each expert e (gather, multiply,
 * scatter). `buf` is scratch of at least n·max(inDim, outDim).
 */
function routedLinearInto(
  x: Float32Array,
  inDim: number,
  groups: readonly Int32Array[],
  ws: readonly Float32Array[],
  bs: readonly Float32Array[],
  outDim: number,
  out: Float32Array,
  stride: number,
  colOffset: number,
  bufIn: Float32Array,
  bufOut: Float32Array,
): void {
  groups.forEach((rows, e) => {
    const m = rows.length
    if (m === 0) return
    for (let r = 0; r < m; r++) {
      const src = (rows[r] as number) * inDim
      bufIn.set(x.subarray(src, src + inDim), r * inDim)
    }
    matmulInto(bufIn, m, inDim, ws[e] as Float32Array, outDim, bs[e], bufOut)
    for (let r = 0; r < m; r++) {
      const dst = (rows[r] as number) * stride + colOffset
      out.set(bufOut.subarray(r * outDim, (r + 1) * outDim), dst)
    }
  })
}

/** One block's FFN on rows h [n, d] with sparse dispatch. */
export function ffnForward(
  w: ArrayWeights,
  spec: FfnSpec,
  /** Weight-name prefix of the block (`b${index}`). */
  p: string,
  h: Float32Array,
  n: number,
  d: number,
  routes: Int32Array[] | undefined,
): Float32Array {
  if (spec.kind === 'dense') {
    const hidden = new Float32Array(n * spec.width)
    matmulInto(h, n, d, at(w, `${p}.ffn1.w`), spec.width, at(w, `${p}.ffn1.b`), hidden)
    relu(hidden)
    const out = new Float32Array(n * d)
    matmulInto(hidden, n, spec.width, at(w, `${p}.ffn2.w`), d, at(w, `${p}.ffn2.b`), out)
    return out
  }
  const K = spec.experts
  let gate: Float32Array | undefined
  let assigns: Int32Array[]
  if (spec.kind === 'switch') {
    const logits = new Float32Array(n * K)
    matmulInto(h, n, d, at(w, `${p}.router`), K, undefined, logits)
    const a = new Int32Array(n)
    gate = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      let best = 0
      let max = logits[i * K] as number
      for (let e = 1; e < K; e++)
        if ((logits[i * K + e] as number) > max) {
          max = logits[i * K + e] as number
          best = e
        }
      let z = 0
      for (let e = 0; e < K; e++) z += Math.exp((logits[i * K + e] as number) - max)
      a[i] = best
      gate[i] = 1 / z
    }
    assigns = [a]
  } else {
    if (!routes || routes.length !== spec.segments)
      throw new TypeError(`Cannot run inference: block ${p} needs ${spec.segments} route arrays`)
    assigns = routes
  }
  const segments = assigns.length
  const seg1 = spec.width / segments
  const seg2 = d / segments
  const groups = assigns.map((a) => groupsOf(a, K))
  const bufIn = new Float32Array(n * Math.max(d, spec.width))
  const bufOut = new Float32Array(n * Math.max(d, spec.width))
  const hidden = new Float32Array(n * spec.width)
  // expert e's slice of a stacked [K, ...] weight
  const ws = (s: number, k: string) => {
    const all = at(w, `${p}.s${s}.${k}`)
    const size = all.length / K
    return Array.from({ length: K }, (_, e) => all.subarray(e * size, (e + 1) * size))
  }
  groups.forEach((g, s) => {
    routedLinearInto(
      h,
      d,
      g,
      ws(s, 'w1'),
      ws(s, 'b1'),
      seg1,
      hidden,
      spec.width,
      s * seg1,
      bufIn,
      bufOut,
    )
  })
  relu(hidden)
  const out = new Float32Array(n * d)
  groups.forEach((g, s) => {
    routedLinearInto(
      hidden,
      spec.width,
      g,
      ws(s, 'w2'),
      ws(s, 'b2'),
      seg2,
      out,
      d,
      s * seg2,
      bufIn,
      bufOut,
    )
  })
  if (gate)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) out[i * d + j] = (out[i * d + j] as number) * (gate[i] as number)
  return out
}

/**
 * Next-token logits [n, V] of ids [batch·T] with typed arrays; `routers[l]` routes block l when
 * it is a routed FFN (the table lookups run inside this call).
 */
export function inferLogits(
  w: ArrayWeights,
  cfg: LmConfig,
  f: RouteFeatures,
  routers: readonly (HashRouter | undefined)[],
): Float32Array {
  const ids = f.cur
  const n = ids.length
  const d = cfg.dModel
  const t = cfg.seqLength
  const heads = cfg.heads
  const dh = d / heads
  const batch = n / t
  const tok = at(w, 'tok_emb')
  const pos = at(w, 'pos_emb')
  const x = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number
    const pi = i % t
    for (let j = 0; j < d; j++)
      x[i * d + j] = (tok[id * d + j] as number) + (pos[pi * d + j] as number)
  }
  const q = new Float32Array(n * d)
  const k = new Float32Array(n * d)
  const v = new Float32Array(n * d)
  const ctx = new Float32Array(n * d)
  const att = new Float32Array(n * d)
  const scores = new Float32Array(t)
  cfg.blocks.forEach((spec, l) => {
    const p = `b${l}`
    const h1 = layerNormInto(x, n, d, at(w, `${p}.ln1.g`), at(w, `${p}.ln1.b`))
    matmulInto(h1, n, d, at(w, `${p}.q.w`), d, at(w, `${p}.q.b`), q)
    matmulInto(h1, n, d, at(w, `${p}.k.w`), d, at(w, `${p}.k.b`), k)
    matmulInto(h1, n, d, at(w, `${p}.v.w`), d, at(w, `${p}.v.b`), v)
    const scale = 1 / Math.sqrt(dh)
    for (let b = 0; b < batch; b++)
      for (let hd = 0; hd < heads; hd++)
        for (let i = 0; i < t; i++) {
          const qi = (b * t + i) * d + hd * dh
          let max = Number.NEGATIVE_INFINITY
          for (let j = 0; j <= i; j++) {
            const kj = (b * t + j) * d + hd * dh
            let s = 0
            for (let c = 0; c < dh; c++) s += (q[qi + c] as number) * (k[kj + c] as number)
            s *= scale
            scores[j] = s
            if (s > max) max = s
          }
          let z = 0
          for (let j = 0; j <= i; j++) {
            const e = Math.exp((scores[j] as number) - max)
            scores[j] = e
            z += e
          }
          for (let c = 0; c < dh; c++) ctx[qi + c] = 0
          for (let j = 0; j <= i; j++) {
            const wj = (scores[j] as number) / z
            const vj = (b * t + j) * d + hd * dh
            for (let c = 0; c < dh; c++)
              ctx[qi + c] = (ctx[qi + c] as number) + wj * (v[vj + c] as number)
          }
        }
    matmulInto(ctx, n, d, at(w, `${p}.o.w`), d, at(w, `${p}.o.b`), att)
    for (let i = 0; i < n * d; i++) x[i] = (x[i] as number) + (att[i] as number)
    const h2 = layerNormInto(x, n, d, at(w, `${p}.ln2.g`), at(w, `${p}.ln2.b`))
    const router = routers[l]
    const f2 = ffnForward(w, spec, p, h2, n, d, router ? router(f) : undefined)
    for (let i = 0; i < n * d; i++) x[i] = (x[i] as number) + (f2[i] as number)
  })
  const hf = layerNormInto(x, n, d, at(w, 'ln_f.g'), at(w, 'ln_f.b'))
  const logits = new Float32Array(n * cfg.vocabSize)
  matmulInto(hf, n, d, at(w, 'out.w'), cfg.vocabSize, at(w, 'out.b'), logits)
  return logits
}
