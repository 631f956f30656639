/**
 * Training, evaluation and first-order Taylor statistics of a MultiNet (dense and conv layers,
 * conv.ts), by hand-written backpropagation. Loss (as in the PAM code): MSE between tanh outputs and ±1 one-vs-rest
 * targets, summed over the tasks that label each sample; a sample outside a task (label -1) adds
 * nothing to that task's loss.
 *
 *   step: gather batch ─ forward (conv/dense, ReLU, [pool], [gate]; tanh heads) ─ backward
 *         ─ Taylor sums Σ_batch,positions a·∂L/∂a per neuron (channel) ─ SGD with momentum
 *         ─ re-zero masked weights
 */
import type { Rng } from '../../harness/run/rng.ts'
import { convBackward, convForward, maxPool2, maxPool2Backward } from './conv.ts'
import {
  actSize,
  type DenseLayer,
  type HiddenLayer,
  type MultiNet,
  mayPrune,
  positions,
  readRuns,
} from './net.ts'

/** Rows of one split: n images of `inputSize` values, and the label of every task (-1 outside). */
export interface TaskSplit {
  x: Float32Array
  n: number
  labels: readonly Int32Array[]
}

export interface SgdOptions {
  /** @default 0.02 */
  lr: number
  /** @default 0.9 */
  momentum: number
  /** @default 32 */
  batch: number
  /** L1 penalty on the output gates of gated layers (proximal step). @default 0 */
  gateL1?: number
  /** Penalise only the gates of shared neurons (task-specific ones of a merged net go free). */
  gateL1SharedOnly?: boolean
}

/** Rows labelled by at least one task of the split. */
export function labelledRows(split: TaskSplit): number[] {
  const rows: number[] = []
  for (let i = 0; i < split.n; i++) if (split.labels.some((l) => l[i]! >= 0)) rows.push(i)
  return rows
}

function matmulForward(layer: DenseLayer, x: Float32Array, rows: number, out: Float32Array): void {
  const { inSize, outSize, w, b, rowsPerInput: rpi } = layer
  const runs = readRuns(layer)
  for (let r = 0; r < rows; r++) {
    const o = r * outSize
    for (let j = 0; j < outSize; j++) out[o + j] = b[j]!
    for (let i = 0; i < inSize; i++) {
      const v = x[r * inSize + i]!
      if (v === 0) continue
      const wr = i * outSize
      const run = runs[(i / rpi) | 0]!
      for (let p = 0; p < run.length; p += 2)
        for (let j = run[p]!, end = run[p + 1]!; j < end; j++) out[o + j]! += v * w[wr + j]!
    }
  }
}

/** Forward pass of one batch: what the backward pass needs besides the weights. */
export interface ForwardPass {
  /** Output of every hidden layer (after ReLU, pool and gate), [rows × neurons × positions]. */
  acts: Float32Array[]
  /** Outputs before the gate, of gated layers. */
  ungated: (Float32Array | undefined)[]
  /** Per pooled conv layer, the index of each pooled value's maximum in the unpooled map. */
  argmax: (Int32Array | undefined)[]
  /** Tanh outputs of every head, [rows × classes]. */
  outs: Float32Array[]
}

/**
 * Forward pass of `rows` gathered inputs: hidden activations (after the gate, if any), the
 * ungated outputs of gated layers, and tanh head outputs.
 */
export function forward(net: MultiNet, x: Float32Array, rows: number): ForwardPass {
  const acts: Float32Array[] = []
  const ungated: (Float32Array | undefined)[] = []
  const argmax: (Int32Array | undefined)[] = []
  let input = x
  for (const layer of net.hidden) {
    const conv = layer.conv
    let a: Float32Array
    if (conv) {
      a = convForward(layer, conv, input, rows)
      for (let k = 0; k < a.length; k++) if (a[k]! < 0) a[k] = 0
      if (conv.pool) {
        const pooled = maxPool2(a, rows * layer.outSize, conv.height, conv.width)
        a = pooled.out
        argmax.push(pooled.argmax)
      } else argmax.push(undefined)
    } else {
      a = new Float32Array(rows * layer.outSize)
      matmulForward(layer, input, rows, a)
      for (let k = 0; k < a.length; k++) if (a[k]! < 0) a[k] = 0
      argmax.push(undefined)
    }
    const gate = layer.gate
    if (gate) {
      ungated.push(a)
      a = a.slice()
      const C = layer.outSize
      const P = positions(layer)
      for (let r = 0, k = 0; r < rows; r++)
        for (let j = 0; j < C; j++) {
          const g = gate[j]!
          for (let p = 0; p < P; p++, k++) a[k]! *= g
        }
    } else ungated.push(undefined)
    acts.push(a)
    input = a
  }
  const outs = net.heads.map((head) => {
    const o = new Float32Array(rows * head.outSize)
    matmulForward(head, input, rows, o)
    for (let k = 0; k < o.length; k++) o[k] = Math.tanh(o[k]!)
    return o
  })
  return { acts, ungated, argmax, outs }
}

/** The inputs of `rows`, packed [rows × inputSize]. */
export function gather(split: TaskSplit, rows: readonly number[], inputSize: number): Float32Array {
  const x = new Float32Array(rows.length * inputSize)
  rows.forEach((r, k) => {
    x.set(split.x.subarray(r * inputSize, (r + 1) * inputSize), k * inputSize)
  })
  return x
}

/** SGD-with-momentum trainer of one net; also accumulates Taylor statistics per hidden neuron. */
export class Trainer {
  private readonly velocity: { w: Float32Array; b: Float32Array }[]
  private readonly gateVelocity: Float32Array[]
  /** Σ over batches of (Σ_batch,positions a·∂L/∂a)² per hidden neuron (channel), and the number of batches. */
  readonly taylor: Float64Array[]
  taylorBatches = 0

  constructor(
    readonly net: MultiNet,
    readonly options: SgdOptions,
  ) {
    this.velocity = [...net.hidden, ...net.heads].map((l) => ({
      w: new Float32Array(l.w.length),
      b: new Float32Array(l.b.length),
    }))
    this.taylor = net.hidden.map((l) => new Float64Array(l.outSize))
    this.gateVelocity = net.hidden.map((l) => new Float32Array(l.gate ? l.outSize : 0))
  }

  /** Forward + backward on `rows`; updates the weights unless `update` is false. Returns the loss. */
  step(split: TaskSplit, rows: readonly number[], update = true): number {
    const net = this.net
    const B = rows.length
    const x = gather(split, rows, net.inputSize)
    const { acts, ungated, argmax, outs } = forward(net, x, B)
    const gateGrads: (Float64Array | undefined)[] = []
    const last = acts.at(-1) ?? x
    const lastLayer = net.hidden.at(-1)
    const lastSize = lastLayer ? actSize(lastLayer) : net.inputSize
    let dA: Float32Array = new Float32Array(B * lastSize)
    const grads: { w: Float32Array; b: Float32Array }[] = []
    let loss = 0
    const headGrads = net.heads.map((head, t) => {
      const C = head.outSize
      const o = outs[t]!
      const dPre = new Float32Array(B * C)
      const labels = split.labels[t]!
      rows.forEach((r, k) => {
        const y = labels[r]!
        if (y < 0) return
        for (let c = 0; c < C; c++) {
          const v = o[k * C + c]!
          const diff = v - (c === y ? 1 : -1)
          loss += (diff * diff) / B
          dPre[k * C + c] = ((2 * diff) / B) * (1 - v * v)
        }
      })
      return this.backLayer(head, last, dPre, B, dA)
    })
    for (let l = net.hidden.length - 1; l >= 0; l--) {
      const layer = net.hidden[l]!
      const a = acts[l]!
      const taylor = this.taylor[l]!
      const C = layer.outSize
      const P = positions(layer)
      const g = new Float64Array(C)
      const u = ungated[l]
      const gate = layer.gate
      // Element k of [B × C × P] belongs to neuron (channel) j; the ReLU mask can be taken after
      // the pool: a pooled value is 0 exactly when its whole window is.
      if (u && gate) {
        // a = γ·u: ∂L/∂γ = Σ u·∂L/∂a, ∂L/∂u = γ·∂L/∂a.
        const gg = new Float64Array(C)
        for (let r = 0, k = 0; r < B; r++)
          for (let j = 0; j < C; j++) {
            let sa = 0
            let su = 0
            for (let p = 0; p < P; p++, k++) {
              sa += a[k]! * dA[k]!
              su += u[k]! * dA[k]!
              dA[k] = u[k]! > 0 ? dA[k]! * gate[j]! : 0
            }
            g[j]! += sa
            gg[j]! += su
          }
        gateGrads[l] = gg
      } else
        for (let r = 0, k = 0; r < B; r++)
          for (let j = 0; j < C; j++) {
            let sa = 0
            for (let p = 0; p < P; p++, k++) {
              sa += a[k]! * dA[k]!
              if (a[k]! <= 0) dA[k] = 0
            }
            g[j]! += sa
          }
      for (let j = 0; j < C; j++) taylor[j]! += g[j]! * g[j]!
      const input = l === 0 ? x : acts[l - 1]!
      const inSize = l === 0 ? net.inputSize : actSize(net.hidden[l - 1]!)
      const dIn = l === 0 ? undefined : new Float32Array(B * inSize)
      const conv = layer.conv
      if (conv) {
        const am = argmax[l]
        const dPre = am ? maxPool2Backward(dA, am, B * C * conv.height * conv.width) : dA
        grads[l] = convBackward(layer, conv, input, dPre, B, dIn)
      } else grads[l] = this.backLayer(layer, input, dA, B, dIn)
      if (dIn) dA = dIn
    }
    this.taylorBatches++
    if (update) {
      const all = [...net.hidden, ...net.heads]
      const allGrads = [...grads, ...headGrads]
      all.forEach((layer, k) => {
        this.apply(layer, allGrads[k]!, this.velocity[k]!)
      })
      net.hidden.forEach((layer, l) => {
        const gg = gateGrads[l]
        if (layer.gate && gg) this.applyGate(layer, gg, this.gateVelocity[l]!)
      })
    }
    return loss
  }

  /** Gradients of one layer; adds the input gradient into `dIn` when given. */
  private backLayer(
    layer: DenseLayer,
    input: Float32Array,
    dOut: Float32Array,
    B: number,
    dIn: Float32Array | undefined,
  ): { w: Float32Array; b: Float32Array } {
    const { inSize, outSize, w, rowsPerInput: rpi } = layer
    const runs = readRuns(layer)
    const gw = new Float32Array(w.length)
    const gb = new Float32Array(outSize)
    for (let r = 0; r < B; r++) {
      const o = r * outSize
      for (let j = 0; j < outSize; j++) gb[j]! += dOut[o + j]!
      for (let i = 0; i < inSize; i++) {
        const v = input[r * inSize + i]!
        const wr = i * outSize
        const run = runs[(i / rpi) | 0]!
        if (v !== 0)
          for (let p = 0; p < run.length; p += 2)
            for (let j = run[p]!, end = run[p + 1]!; j < end; j++) gw[wr + j]! += v * dOut[o + j]!
        if (dIn) {
          let s = 0
          for (let p = 0; p < run.length; p += 2)
            for (let j = run[p]!, end = run[p + 1]!; j < end; j++) s += w[wr + j]! * dOut[o + j]!
          dIn[r * inSize + i]! += s
        }
      }
    }
    return { w: gw, b: gb }
  }

  private apply(
    layer: DenseLayer,
    g: { w: Float32Array; b: Float32Array },
    v: { w: Float32Array; b: Float32Array },
  ): void {
    const { lr, momentum } = this.options
    for (let k = 0; k < layer.w.length; k++) {
      const m = layer.mask[k]!
      if (m === 0) continue
      v.w[k] = momentum * v.w[k]! + g.w[k]!
      layer.w[k]! -= lr * v.w[k]!
    }
    for (let k = 0; k < layer.b.length; k++) {
      v.b[k] = momentum * v.b[k]! + g.b[k]!
      layer.b[k]! -= lr * v.b[k]!
    }
  }

  /**
   * SGD with momentum on the gates, then the L1 proximal step (soft threshold by lr·gateL1; only
   * on shared neurons with `gateL1SharedOnly` in a multitask net).
   */
  private applyGate(layer: HiddenLayer, g: Float64Array, v: Float32Array): void {
    const { lr, momentum, gateL1 = 0, gateL1SharedOnly = false } = this.options
    const gate = layer.gate!
    const partitions = gateL1SharedOnly ? 'shared' : 'all'
    for (let j = 0; j < gate.length; j++) {
      v[j] = momentum * v[j]! + g[j]!
      const x = gate[j]! - lr * v[j]!
      const shrink = mayPrune(this.net, layer.part[j]!, partitions) ? lr * gateL1 : 0
      gate[j] = Math.sign(x) * Math.max(0, Math.abs(x) - shrink)
    }
  }

  /** `steps` SGD steps on random batches of `pool` rows. */
  run(split: TaskSplit, pool: readonly number[], steps: number, rng: Rng): number {
    let loss = 0
    for (let s = 0; s < steps; s++) {
      const rows = Array.from({ length: this.options.batch }, () => pool[rng.int(pool.length)]!)
      loss = this.step(split, rows)
    }
    return loss
  }

  resetTaylor(): void {
    for (const t of this.taylor) t.fill(0)
    this.taylorBatches = 0
  }
}

/** Top-1 accuracy (%) of every task on its labelled rows of `split`. */
export function evaluateTasks(net: MultiNet, split: TaskSplit, chunk = 256): number[] {
  const correct = new Array<number>(net.numTasks).fill(0)
  const total = new Array<number>(net.numTasks).fill(0)
  for (let start = 0; start < split.n; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, split.n - start) }, (_, k) => start + k)
    const { outs } = forward(net, gather(split, rows, net.inputSize), rows.length)
    net.heads.forEach((head, t) => {
      const o = outs[t]!
      rows.forEach((r, k) => {
        const y = split.labels[t]![r]!
        if (y < 0) return
        let best = 0
        for (let c = 1; c < head.outSize; c++)
          if (o[k * head.outSize + c]! > o[k * head.outSize + best]!) best = c
        total[t]!++
        if (best === y) correct[t]!++
      })
    })
  }
  return correct.map((c, t) => (total[t]! > 0 ? (100 * c) / total[t]! : 0))
}

/**
 * Post-ReLU activations of every hidden layer on the given rows ([rows × width] each; a conv
 * layer's after its pool, [rows × channels × positions]).
 */
export function hiddenActivations(
  net: MultiNet,
  split: TaskSplit,
  rows: readonly number[],
): Float32Array[] {
  return forward(net, gather(split, rows, net.inputSize), rows.length).acts
}

/** The split restricted to one task's labels (for its single-task net). */
export function singleTask(split: TaskSplit, t: number): TaskSplit {
  const labels = split.labels[t]
  if (!labels)
    throw new RangeError(`Cannot select task ${t}: the split has ${split.labels.length} tasks`)
  return { x: split.x, n: split.n, labels: [labels] }
}
