/**
 * A tiny causal decoder LM (pre-LN, as models/decoder.ts) written with tfjs-core ops on named
 * variables, so that the feed-forward sublayer of any block can be a dense FFN, K routed expert
 * FFNs (hash, oracle, MultiHash: routes given from the tokens) or a Switch top-1 layer.
 *
 *   x = tok_emb[ids] + pos_emb
 *   per block: x += Wo·MHA_causal(LN1(x));  x += FFN(LN2(x))
 *   logits = LN_f(x)·Wout + bout
 *
 * Routed FFNs dispatch by gather / scatter: the rows of each expert are gathered into padded
 * slabs (one or more per expert, see planDispatch), multiplied by their experts' weights in one
 * batched matmul, and put back in token order by a second gather (tfjs has gradients for gather,
 * none for scatter); the op count does not grow with K. `dispatch: 'mask'` computes every expert on every row
 * and masks instead: the same function, K× the work, kept to check the gradients of the first.
 * Tokens a Switch expert drops (over capacity) get a zero FFN output (the residual carries them).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'

/** What one block's feed-forward sublayer is. */
export type FfnSpec =
  | { kind: 'dense'; width: number }
  /** K experts of width `width`, routed from outside (hash tables); `segments` > 1: MultiHash. */
  | { kind: 'routed'; experts: number; width: number; segments: number }
  /** Switch top-1: softmax router d×K, gate p_e, aux loss α·K·Σ f_i P_i, capacity factor (0 = none). */
  | { kind: 'switch'; experts: number; width: number; alpha: number; capacityFactor: number }

export interface LmConfig {
  vocabSize: number
  seqLength: number
  dModel: number
  heads: number
  /** One entry per block. */
  blocks: FfnSpec[]
}

export type Weights = Map<string, tf.Variable>

/** Per block: the routes of a `routed` FFN (one assignment per segment), else undefined. */
export type BlockRoutes = (Int32Array[] | undefined)[]

export interface ForwardOptions {
  /** Switch capacity applies in training only. */
  training: boolean
  /** @default 'gather' */
  dispatch?: 'gather' | 'mask'
}

export interface ForwardResult {
  /** [n, V] with n = batch·T. */
  logits: tf.Tensor2D
  /** Sum of the Switch blocks' load-balancing losses (0 when none). */
  aux: tf.Scalar
  /** Per block, the experts chosen (routed: first segment; Switch: the router's argmax). */
  chosen: (Int32Array | undefined)[]
  /** Per block, the fraction of tokens a Switch layer dropped. */
  dropped: (number | undefined)[]
}

function normalInit(rng: Rng, shape: number[], std: number): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1)
  const v = new Float32Array(n)
  for (let i = 0; i < n; i++) v[i] = rng.normal() * std
  return tf.variable(tf.tensor(v, shape), true)
}

function constInit(shape: number[], value: number): tf.Variable {
  return tf.variable(tf.fill(shape, value), true)
}

/** The variables of a model, initialised from `rng` (names are stable: they key the weights). */
export function initWeights(cfg: LmConfig, rng: Rng): Weights {
  const w: Weights = new Map()
  const d = cfg.dModel
  const add = (name: string, v: tf.Variable) => w.set(name, v)
  add('tok_emb', normalInit(rng, [cfg.vocabSize, d], 0.1))
  add('pos_emb', normalInit(rng, [cfg.seqLength, d], 0.1))
  const linear = (name: string, fanIn: number, fanOut: number) => {
    add(`${name}.w`, normalInit(rng, [fanIn, fanOut], 1 / Math.sqrt(fanIn)))
    add(`${name}.b`, constInit([fanOut], 0))
  }
  const norm = (name: string) => {
    add(`${name}.g`, constInit([d], 1))
    add(`${name}.b`, constInit([d], 0))
  }
  cfg.blocks.forEach((spec, l) => {
    const p = `b${l}`
    norm(`${p}.ln1`)
    for (const m of ['q', 'k', 'v', 'o']) linear(`${p}.${m}`, d, d)
    norm(`${p}.ln2`)
    if (spec.kind === 'dense') {
      linear(`${p}.ffn1`, d, spec.width)
      linear(`${p}.ffn2`, spec.width, d)
      return
    }
    const segments = spec.kind === 'routed' ? spec.segments : 1
    if (spec.width % segments !== 0 || d % segments !== 0)
      throw new RangeError(
        `Cannot build block ${l}: ${segments} segments must divide the width ${spec.width} and dModel ${d}`,
      )
    const K = spec.experts
    for (let s = 0; s < segments; s++) {
      // segment s of every expert, stacked on axis 0: A (d -> width/segments), B (width -> d/segments)
      add(`${p}.s${s}.w1`, normalInit(rng, [K, d, spec.width / segments], 1 / Math.sqrt(d)))
      add(`${p}.s${s}.b1`, constInit([K, spec.width / segments], 0))
      add(
        `${p}.s${s}.w2`,
        normalInit(rng, [K, spec.width, d / segments], 1 / Math.sqrt(spec.width)),
      )
      add(`${p}.s${s}.b2`, constInit([K, d / segments], 0))
    }
    if (spec.kind === 'switch') add(`${p}.router`, normalInit(rng, [d, spec.experts], 0.02))
  })
  norm('ln_f')
  linear('out', d, cfg.vocabSize)
  return w
}

function get(w: Weights, name: string): tf.Variable {
  const v = w.get(name)
  if (!v) throw new Error(`Cannot run the LM: weight "${name}" is missing`)
  return v
}

function layerNorm(x: tf.Tensor2D, w: Weights, name: string): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true)
  const z = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)))
  return tf.add(tf.mul(z, get(w, `${name}.g`)), get(w, `${name}.b`)) as tf.Tensor2D
}

function linear(x: tf.Tensor2D, w: Weights, name: string): tf.Tensor2D {
  return tf.add(tf.matMul(x, get(w, `${name}.w`)), get(w, `${name}.b`)) as tf.Tensor2D
}

/**
 * Rows of each expert (in token order, truncated to `capacity`) laid out in slabs of `slab` rows,
 * each slab holding rows of one expert (an expert with many rows gets several slabs), and where
 * each token comes back from. One slab per expert of the largest group's size wastes K·max − n
 * padded rows when the load is uneven (a hash table on a word vocabulary, a collapsed Switch
 * router); smaller slabs cost a gather of their expert's weights each. The slab size is the
 * candidate with the least estimated work, slabs·(slab + 2) rows (ties: fewer slabs).
 */
export interface DispatchPlan {
  groups: Int32Array[]
  /** Rows per slab (at least 1). */
  slab: number
  /** The expert of each slab, in expert order (S entries). */
  slabExpert: Int32Array
  /** S·slab source rows: the token of each slot, or n (a zero row) for padding. */
  slots: Int32Array
  /** Slot of token i, or S·slab (a zero row) when dropped. */
  inverse: Int32Array
  kept: number
}

/** Plans a dispatch of `assign` (expert per token) with at most `capacity` tokens per expert. */
export function planDispatch(
  assign: Int32Array,
  experts: number,
  capacity = Number.POSITIVE_INFINITY,
): DispatchPlan {
  const n = assign.length
  const lists: number[][] = Array.from({ length: experts }, () => [])
  for (let i = 0; i < n; i++) {
    const list = lists[assign[i] as number] as number[]
    if (list.length < capacity) list.push(i)
  }
  const sizes = lists.map((l) => l.length)
  const kept = sizes.reduce((a, b) => a + b, 0)
  const largest = Math.max(1, ...sizes)
  const slabsOf = (s: number) => sizes.reduce((a, g) => a + Math.max(1, Math.ceil(g / s)), 0)
  let slab = largest
  let cost = slabsOf(largest) * (largest + 2)
  for (const div of [1, 2, 4]) {
    const s = Math.max(1, Math.ceil(kept / (experts * div)))
    const c = slabsOf(s) * (s + 2)
    if (s < largest && c < cost) {
      slab = s
      cost = c
    }
  }
  const slabExpert = new Int32Array(slabsOf(slab))
  const slots = new Int32Array(slabExpert.length * slab).fill(n)
  const inverse = new Int32Array(n).fill(slabExpert.length * slab)
  let next = 0
  lists.forEach((list, e) => {
    const count = Math.max(1, Math.ceil(list.length / slab))
    for (let k = 0; k < count; k++) slabExpert[next + k] = e
    list.forEach((i, r) => {
      slots[next * slab + r] = i
      inverse[i] = next * slab + r
    })
    next += count
  })
  return { groups: lists.map((l) => Int32Array.from(l)), slab, slabExpert, slots, inverse, kept }
}

/**
 * y[i] = x[i]·W[e(i)] + b[e(i)] for the kept tokens, 0 for dropped ones, with W [K, in, out]
 * and b [K, out]. `gather`: the tokens are gathered into the plan's slabs, each slab multiplied
 * by its expert's weights in one batched matmul (the weights gathered per slab unless there is
 * exactly one slab per expert), and gathered back (padding rows are computed but never read).
 * `mask`: every expert on every token, masked.
 */
export function routedLinear(
  x: tf.Tensor2D,
  w: tf.Tensor3D,
  b: tf.Tensor2D,
  plan: DispatchPlan,
  dispatch: 'gather' | 'mask',
): tf.Tensor2D {
  const [K, inDim, out] = w.shape
  const n = x.shape[0]
  if (dispatch === 'mask') {
    const m = new Float32Array(K * n)
    plan.groups.forEach((rows, e) => {
      for (const i of rows) m[e * n + i] = 1
    })
    const all = tf.add(tf.matMul(tf.broadcastTo(x, [K, n, inDim]), w), tf.expandDims(b, 1))
    return tf.sum(tf.mul(all, tf.tensor3d(m, [K, n, 1])), 0) as tf.Tensor2D
  }
  const S = plan.slabExpert.length
  const padded = tf.concat([x, tf.zeros([1, inDim])], 0)
  const slabs = tf.reshape(tf.gather(padded, tf.tensor1d(plan.slots, 'int32')), [
    S,
    plan.slab,
    inDim,
  ]) as tf.Tensor3D
  let ws: tf.Tensor3D = w
  let bs: tf.Tensor2D = b
  if (S !== K) {
    const which = tf.tensor1d(plan.slabExpert, 'int32')
    ws = tf.gather(w, which) as tf.Tensor3D
    bs = tf.gather(b, which) as tf.Tensor2D
  }
  const y = tf.reshape(tf.add(tf.matMul(slabs, ws), tf.expandDims(bs, 1)), [S * plan.slab, out])
  return tf.gather(
    tf.concat([y, tf.zeros([1, out])], 0),
    tf.tensor1d(plan.inverse, 'int32'),
  ) as tf.Tensor2D
}

/** The K-expert FFN of block `p` with one plan per segment. */
function expertFfn(
  h: tf.Tensor2D,
  w: Weights,
  p: string,
  plans: readonly DispatchPlan[],
  dispatch: 'gather' | 'mask',
): tf.Tensor2D {
  const v = plans.map((plan, s) =>
    tf.relu(
      routedLinear(
        h,
        get(w, `${p}.s${s}.w1`) as tf.Tensor3D,
        get(w, `${p}.s${s}.b1`) as tf.Tensor2D,
        plan,
        dispatch,
      ),
    ),
  )
  const hidden = v.length === 1 ? (v[0] as tf.Tensor2D) : tf.concat(v, 1)
  const outs = plans.map((plan, s) =>
    routedLinear(
      hidden,
      get(w, `${p}.s${s}.w2`) as tf.Tensor3D,
      get(w, `${p}.s${s}.b2`) as tf.Tensor2D,
      plan,
      dispatch,
    ),
  )
  return outs.length === 1 ? (outs[0] as tf.Tensor2D) : tf.concat(outs, 1)
}

function attention(h: tf.Tensor2D, w: Weights, p: string, cfg: LmConfig, batch: number) {
  const t = cfg.seqLength
  const d = cfg.dModel
  const heads = cfg.heads
  const dh = d / heads
  const split = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [batch, t, heads, dh]), [0, 2, 1, 3])
  const q = split(linear(h, w, `${p}.q`))
  const k = split(linear(h, w, `${p}.k`))
  const v = split(linear(h, w, `${p}.v`))
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9)
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), mask)
  const ctx = tf.matMul(tf.softmax(scores), v)
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [batch * t, d]) as tf.Tensor2D
  return linear(merged, w, `${p}.o`)
}

/** Forward pass on ids [batch·T] (row-major [batch, T]). Call inside tf.tidy or a gradient. */
export function forward(
  w: Weights,
  cfg: LmConfig,
  ids: Int32Array,
  routes: BlockRoutes,
  opts: ForwardOptions,
): ForwardResult {
  const dispatch = opts.dispatch ?? 'gather'
  const n = ids.length
  const t = cfg.seqLength
  const batch = n / t
  if (!Number.isInteger(batch))
    throw new RangeError(`Cannot run the LM: ${n} ids are not whole sequences of ${t}`)
  const pos = tf.tile(get(w, 'pos_emb'), [batch, 1])
  let x = tf.add(tf.gather(get(w, 'tok_emb'), tf.tensor1d(ids, 'int32')), pos) as tf.Tensor2D
  let aux: tf.Scalar = tf.scalar(0)
  const chosen: (Int32Array | undefined)[] = []
  const dropped: (number | undefined)[] = []
  cfg.blocks.forEach((spec, l) => {
    const p = `b${l}`
    x = tf.add(x, attention(layerNorm(x, w, `${p}.ln1`), w, p, cfg, batch))
    const h = layerNorm(x, w, `${p}.ln2`)
    let f: tf.Tensor2D
    if (spec.kind === 'dense') {
      f = linear(tf.relu(linear(h, w, `${p}.ffn1`)), w, `${p}.ffn2`)
      chosen.push(undefined)
      dropped.push(undefined)
    } else if (spec.kind === 'routed') {
      const r = routes[l]
      if (!r || r.length !== spec.segments)
        throw new TypeError(`Cannot run the LM: block ${l} needs ${spec.segments} route arrays`)
      const plans = r.map((a) => planDispatch(a, spec.experts))
      f = expertFfn(h, w, p, plans, dispatch)
      chosen.push(r[0])
      dropped.push(undefined)
    } else {
      const K = spec.experts
      const probs = tf.softmax(tf.matMul(h, get(w, `${p}.router`))) as tf.Tensor2D
      const top = tf.argMax(probs, 1)
      const assign = top.dataSync() as Int32Array
      const capacity =
        opts.training && spec.capacityFactor > 0
          ? Math.ceil((spec.capacityFactor * n) / K)
          : Number.POSITIVE_INFINITY
      const plan = planDispatch(Int32Array.from(assign), K, capacity)
      const gate = tf.sum(tf.mul(probs, tf.oneHot(top, K)), 1, true)
      f = tf.mul(expertFfn(h, w, p, [plan], dispatch), gate) as tf.Tensor2D
      if (spec.alpha > 0) {
        const frac = new Float32Array(K)
        for (const e of assign) frac[e] = (frac[e] as number) + 1 / n
        const balance = tf.sum(tf.mul(tf.tensor1d(frac), tf.mean(probs, 0)))
        aux = tf.add(aux, tf.mul(balance, spec.alpha * K))
      }
      chosen.push(Int32Array.from(assign))
      dropped.push((n - plan.kept) / n)
    }
    x = tf.add(x, f)
  })
  const logits = linear(layerNorm(x, w, 'ln_f'), w, 'out')
  return { logits, aux, chosen, dropped }
}

/** Mean next-token cross-entropy (nats) of logits [n, V] against targets [n]. */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const logp = tf.logSoftmax(logits)
  const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1])), 1)
  return tf.neg(tf.mean(picked))
}

/** Number of scalar parameters held by the weights. */
export function weightCount(w: Weights): number {
  let n = 0
  for (const v of w.values()) n += v.size
  return n
}

export function disposeWeights(w: Weights): void {
  for (const v of w.values()) v.dispose()
}
