/**
 * Multi-Task Zipping (He, Zhou, Thiele; NeurIPS 2018) of n same-architecture nets (MLPs, or conv
 * then dense layers), fully zipping every hidden layer bottom-up (the configuration of MTZ's
 * Exp1), as described in the brief:
 *
 *   per hidden layer l (layers below already zipped into one shared trunk):
 *     H_t = E[x̃ x̃ᵀ] on task t's data, x̃ = [layer input; 1] (for a conv layer: every k×k×c_in
 *       patch column of every example, so conv2 of LeNet-5 has a 151×151 H), damped
 *     w̃ = incoming weights with the bias appended, per neuron of each net
 *     pair cost of net-0 neuron i and net-t neuron j: ½ Δᵀ (H_0⁻¹ + H_t⁻¹)⁻¹ Δ, Δ = w̃⁰_i − w̃ᵗ_j,
 *       with (H_0⁻¹ + H_t⁻¹)⁻¹ = H_0 (H_0 + H_t)⁻¹ H_t
 *     greedy one-to-one matching of each net to net 0 (all d² pairs sorted by cost)
 *     merged weights w̃* = (Σ_t H_t)⁻¹ Σ_t H_t w̃ᵗ (for two nets this equals the paper's
 *       w̃ᴬ + H_A⁻¹(H_A⁻¹ + H_B⁻¹)⁻¹(w̃ᴮ − w̃ᴬ))
 *     the next layer's (or heads') input rows of net t are regrouped to the zipped order
 *     short joint fine-tune
 * Simplification [R]: every layer is zipped completely, so there are no per-task "inter" weights.
 */
import type { Rng } from '../../harness/run/rng.ts'
import { im2col } from '../../models/multitask/conv.ts'
import {
  type DenseLayer,
  type HiddenLayer,
  type MultiNet,
  SHARED,
} from '../../models/multitask/net.ts'
import {
  gather,
  hiddenActivations,
  labelledRows,
  type TaskSplit,
  Trainer,
} from '../../models/multitask/train.ts'
import { cholesky, cholSolve, matmul } from './linalg.ts'

export interface ZipOptions {
  /** Samples per task for each Hessian. */
  hessianSamples: number
  /** Damping added to the diagonal, relative to its mean. */
  damping: number
  /** Joint fine-tuning steps after each zipped layer. */
  fineTuneSteps: number
  lr: number
  batch: number
}

/** Layer-wise Hessian E[x̃ x̃ᵀ] (+ damping) of inputs x [m × size]. */
function hessian(x: Float32Array, m: number, size: number, damping: number): Float64Array {
  const s = size + 1
  const h = new Float64Array(s * s)
  const row = new Float64Array(s)
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < size; i++) row[i] = x[r * size + i]!
    row[size] = 1
    for (let i = 0; i < s; i++) {
      const v = row[i]!
      if (v === 0) continue
      for (let j = i; j < s; j++) h[i * s + j]! += v * row[j]!
    }
  }
  for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) h[i * s + j] = h[j * s + i]!
  let trace = 0
  for (let i = 0; i < s; i++) trace += h[i * s + i]!
  const lambda = (damping * trace) / s / m + 1e-8
  for (let k = 0; k < h.length; k++) h[k]! /= m
  for (let i = 0; i < s; i++) h[i * s + i]! += lambda
  return h
}

/**
 * The rows x of a layer's Hessian from its input activations of `m` examples: the examples
 * themselves for a dense layer, every patch column of every example for a conv layer.
 */
function layerInputs(
  layer: HiddenLayer,
  input: Float32Array,
  m: number,
): { x: Float32Array; m: number } {
  const conv = layer.conv
  if (!conv) return { x: input, m }
  const P = conv.height * conv.width
  const K = layer.inSize
  const x = new Float32Array(m * P * K)
  const stride = conv.inChannels * P
  for (let r = 0; r < m; r++)
    im2col(input, r * stride, conv, x.subarray(r * P * K, (r + 1) * P * K))
  return { x, m: m * P }
}

/** w̃ of net t's neurons at a layer [(size + 1) × d]: columns t·d.. of `layer`, bias last. */
function incoming(layer: DenseLayer, t: number, d: number): Float64Array {
  const s = layer.inSize + 1
  const w = new Float64Array(s * d)
  for (let i = 0; i < layer.inSize; i++)
    for (let j = 0; j < d; j++) w[i * d + j] = layer.w[i * layer.outSize + t * d + j]!
  for (let j = 0; j < d; j++) w[layer.inSize * d + j] = layer.b[t * d + j]!
  return w
}

/** Greedy one-to-one matching: match[i] = the net-t neuron zipped with net-0 neuron i. */
export function greedyMatch(cost: Float64Array, d: number): Int32Array {
  const order = Array.from({ length: d * d }, (_, k) => k).sort(
    (a, b) => cost[a]! - cost[b]! || a - b,
  )
  const match = new Int32Array(d).fill(-1)
  const used = new Uint8Array(d)
  for (const k of order) {
    const i = Math.floor(k / d)
    const j = k % d
    if (match[i] !== -1 || used[j]) continue
    match[i] = j
    used[j] = 1
  }
  return match
}

/** Pair costs ½ Δᵀ P Δ for all (i, j), P = H_0 (H_0 + H_t)⁻¹ H_t. */
function pairCosts(
  h0: Float64Array,
  ht: Float64Array,
  w0: Float64Array,
  wt: Float64Array,
  s: number,
  d: number,
): Float64Array {
  const sum = h0.map((v, k) => v + ht[k]!)
  const l = cholesky(sum, s)
  const apply = (w: Float64Array) => matmul(h0, cholSolve(l, matmul(ht, w, s, s, d), s, d), s, s, d)
  const pw0 = apply(w0)
  const pwt = apply(wt)
  const dot = (a: Float64Array, i: number, b: Float64Array, j: number) => {
    let v = 0
    for (let r = 0; r < s; r++) v += a[r * d + i]! * b[r * d + j]!
    return v
  }
  const q0 = Array.from({ length: d }, (_, i) => dot(w0, i, pw0, i))
  const qt = Array.from({ length: d }, (_, j) => dot(wt, j, pwt, j))
  const cost = new Float64Array(d * d)
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) cost[i * d + j] = 0.5 * (q0[i]! + qt[j]! - 2 * dot(w0, i, pwt, j))
  return cost
}

/**
 * Regroups the input rows of `layer` (n blocks of d columns, block t reading net t's dIn input
 * neurons of `rowsPerInput` rows each) to the zipped order of those neurons.
 */
function regroupRows(
  layer: HiddenLayer,
  n: number,
  dIn: number,
  groups: Int32Array[],
): HiddenLayer {
  const dOut = layer.outSize / n
  const rpi = layer.rowsPerInput
  const w = new Float32Array(dIn * rpi * layer.outSize)
  for (let t = 0; t < n; t++)
    for (let g = 0; g < dIn; g++)
      for (let q = 0; q < rpi; q++) {
        const src = (t * dIn + groups[t]![g]!) * rpi + q
        const dst = g * rpi + q
        for (let j = 0; j < dOut; j++)
          w[dst * layer.outSize + t * dOut + j] = layer.w[src * layer.outSize + t * dOut + j]!
      }
  return {
    ...layer,
    inSize: dIn * rpi,
    w,
    mask: new Float32Array(w.length).fill(1),
    ...(layer.conv ? { conv: { ...layer.conv, inChannels: dIn } } : {}),
  }
}

/** Regroups a head (task t reads block t of the last layer) to the zipped order. */
function regroupHead(head: DenseLayer, t: number, d: number, group: Int32Array): DenseLayer {
  const C = head.outSize
  const rpi = head.rowsPerInput
  const w = new Float32Array(d * rpi * C)
  for (let g = 0; g < d; g++)
    for (let q = 0; q < rpi; q++)
      for (let c = 0; c < C; c++)
        w[(g * rpi + q) * C + c] = head.w[((t * d + group[g]!) * rpi + q) * C + c]!
  return { ...head, inSize: d * rpi, w, mask: new Float32Array(w.length).fill(1) }
}

/**
 * Zips the hidden layers of `net` (n single-task nets side by side, from `concatNets`) into one
 * shared trunk with n heads, in place; returns the mean pair cost of each layer's matches.
 */
export function mtzZip(net: MultiNet, train: TaskSplit, options: ZipOptions, rng: Rng): number[] {
  const n = net.numTasks
  const costs: number[] = []
  const pool = labelledRows(train)
  for (let l = 0; l < net.hidden.length; l++) {
    const layer = net.hidden[l]!
    const d = layer.outSize / n
    const s = layer.inSize + 1
    const hs = Array.from({ length: n }, (_, t) => {
      const rows = rng
        .shuffle([...train.labels[t]!.keys()].filter((i) => train.labels[t]![i]! >= 0))
        .slice(0, options.hessianSamples)
      const input =
        l === 0 ? gather(train, rows, net.inputSize) : hiddenActivations(net, train, rows)[l - 1]!
      const { x, m } = layerInputs(layer, input, rows.length)
      return hessian(x, m, layer.inSize, options.damping)
    })
    const ws = Array.from({ length: n }, (_, t) => incoming(layer, t, d))
    // groups[t][g]: net t's neuron in zipped group g (group g = net 0's neuron g).
    const groups: Int32Array[] = [Int32Array.from({ length: d }, (_, i) => i)]
    let total = 0
    for (let t = 1; t < n; t++) {
      const cost = pairCosts(hs[0]!, hs[t]!, ws[0]!, ws[t]!, s, d)
      const match = greedyMatch(cost, d)
      match.forEach((j, i) => {
        total += cost[i * d + j]!
      })
      groups.push(match)
    }
    costs.push(n > 1 ? total / ((n - 1) * d) : 0)
    // w̃* = (Σ H_t)⁻¹ Σ H_t w̃ᵗ(regrouped)
    const hSum = new Float64Array(s * s)
    const rhs = new Float64Array(s * d)
    for (let t = 0; t < n; t++) {
      const wt = new Float64Array(s * d)
      for (let r = 0; r < s; r++)
        for (let g = 0; g < d; g++) wt[r * d + g] = ws[t]![r * d + groups[t]![g]!]!
      const hw = matmul(hs[t]!, wt, s, s, d)
      for (let k = 0; k < rhs.length; k++) rhs[k]! += hw[k]!
      for (let k = 0; k < hSum.length; k++) hSum[k]! += hs[t]![k]!
    }
    const merged = cholSolve(cholesky(hSum, s), rhs, s, d)
    const zipped: HiddenLayer = {
      inSize: layer.inSize,
      outSize: d,
      w: Float32Array.from({ length: layer.inSize * d }, (_, k) => merged[k]!),
      b: Float32Array.from({ length: d }, (_, g) => merged[layer.inSize * d + g]!),
      mask: new Float32Array(layer.inSize * d).fill(1),
      rowsPerInput: layer.rowsPerInput,
      part: new Int32Array(d).fill(SHARED),
      ...(layer.conv ? { conv: layer.conv } : {}),
    }
    net.hidden[l] = zipped
    const next = net.hidden[l + 1]
    if (next) net.hidden[l + 1] = regroupRows(next, n, d, groups)
    else net.heads = net.heads.map((h, t) => regroupHead(h, t, d, groups[t]!))
    new Trainer(net, { lr: options.lr, momentum: 0.9, batch: options.batch }).run(
      train,
      pool,
      options.fineTuneSteps,
      rng,
    )
  }
  return costs
}
