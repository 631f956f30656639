/**
 * A multitask network with partitioned neurons (an MLP, or conv layers then dense layers as in
 * LeNet-5), in plain TypeScript (Float32Array weights, hand-written forward and backward passes)
 * so that merging, partition connectivity and neuron pruning are exact and cheap.
 *
 * Every hidden neuron (a channel, in a conv layer) belongs to one partition: SHARED, a task index,
 * or DELETED. The connectivity rule of Pruning-Aware Merging is a weight mask: shared neurons read
 * shared inputs, task-t neurons read shared and task-t inputs, task t's head reads shared and
 * task-t neurons of the last hidden layer; the first layer reads the input image. Forbidden
 * weights are kept at zero.
 *
 * Every layer stores its weights as a matrix `w[row * outSize + j]`: a dense layer has one row per
 * input value, a conv layer one row per (input channel, ky, kx) of its k×k patch (im2col order).
 * The rows of one input neuron are contiguous, `rowsPerInput` of them: k² for a conv, h·w for a
 * dense layer reading a flattened conv output (channel-major, NCHW), else 1.
 */
import type { Rng } from '../../harness/run/rng.ts'
import type { LayerPartition, MultitaskArch } from './cost.ts'

export const SHARED = -1
export const DELETED = -2

/** A layer's weight matrix: `w[i * outSize + j]` connects input row i to output j. */
export interface DenseLayer {
  /** Rows of `w` (input values, or patch values of a conv). */
  inSize: number
  outSize: number
  /** Consecutive rows that belong to one input neuron (channel). */
  rowsPerInput: number
  w: Float32Array
  b: Float32Array
  /** 1 where the connectivity rule allows the weight, else 0. */
  mask: Float32Array
}

/** Shape of a same-padding k×k convolution (stride 1), optionally followed by a 2×2 max-pool. */
export interface ConvShape {
  kernel: number
  inChannels: number
  /** Input height and width (the output has the same size before the pool). */
  height: number
  width: number
  pool: boolean
}

export interface HiddenLayer extends DenseLayer {
  /** Partition of each output neuron: SHARED, a task index, or DELETED. */
  part: Int32Array
  /**
   * Optional scaling factor of each output after the ReLU (and pool) (gated pruning; folded away
   * after).
   */
  gate?: Float32Array
  /** Present on a conv layer: its neurons are output channels. */
  conv?: ConvShape
}

/** Output positions per neuron of a layer: H·W after the pool for a conv, 1 for a dense layer. */
export function positions(layer: HiddenLayer): number {
  const c = layer.conv
  if (!c) return 1
  return c.pool ? Math.floor(c.height / 2) * Math.floor(c.width / 2) : c.height * c.width
}

/** Values per example of a hidden layer's output (neurons × positions). */
export function actSize(layer: HiddenLayer): number {
  return layer.outSize * positions(layer)
}

/** Architecture of a fresh single-task net: conv layers first, then dense layers. */
export interface NetSpec {
  input: { height: number; width: number; channels: number }
  conv: readonly { channels: number; kernel: number; pool: boolean }[]
  dense: readonly number[]
}

export interface MultiNet {
  /** Values per input example (h·w·c, channel-major). */
  inputSize: number
  numTasks: number
  hidden: HiddenLayer[]
  /** One head per task (tanh outputs), reading the last hidden layer. */
  heads: DenseLayer[]
}

/**
 * May a neuron of partition `part` be pruned (and L1-penalised) when the pruner takes `partitions`:
 * every partition, or only the shared one of a multitask net (a single-task net is pruned whole)?
 */
export function mayPrune(net: MultiNet, part: number, partitions: 'all' | 'shared'): boolean {
  return partitions === 'all' || net.numTasks === 1 || part === SHARED
}

/** Can a neuron of partition `outPart` read one of partition `inPart`? */
export function canRead(inPart: number, outPart: number): boolean {
  if (inPart === DELETED || outPart === DELETED) return false
  return inPart === SHARED || inPart === outPart
}

function denseLayer(inSize: number, outSize: number, rowsPerInput = 1): DenseLayer {
  return {
    inSize,
    outSize,
    rowsPerInput,
    w: new Float32Array(inSize * outSize),
    b: new Float32Array(outSize),
    mask: new Float32Array(inSize * outSize).fill(1),
  }
}

/** Glorot-uniform weights from `rng` (fan-out of a conv counts its k² taps per output). */
function initUniform(layer: DenseLayer, rng: Rng, fanOut = layer.outSize): void {
  const limit = Math.sqrt(6 / (layer.inSize + fanOut))
  for (let i = 0; i < layer.w.length; i++) layer.w[i] = (2 * rng.next() - 1) * limit
}

/** A fresh single-task MLP (`numTasks` 1, every hidden neuron in partition 0). */
export function createNet(
  inputSize: number,
  widths: readonly number[],
  classes: number,
  rng: Rng,
): MultiNet {
  return buildNet(
    { input: { height: 1, width: inputSize, channels: 1 }, conv: [], dense: widths },
    classes,
    rng,
  )
}

/** A fresh single-task net of any `spec` (conv layers, flatten, dense layers, one head). */
export function buildNet(spec: NetSpec, classes: number, rng: Rng): MultiNet {
  const { height, width, channels } = spec.input
  const hidden: HiddenLayer[] = []
  let h = height
  let w = width
  let units = channels
  let rows = 1
  for (const c of spec.conv) {
    if (!(Number.isInteger(c.kernel) && c.kernel % 2 === 1 && c.kernel > 0))
      throw new RangeError(
        `Cannot build the net: a conv kernel must be odd and positive, got ${c.kernel}`,
      )
    const kk = c.kernel * c.kernel
    const layer: HiddenLayer = {
      ...denseLayer(units * kk, c.channels, kk),
      part: new Int32Array(c.channels),
      conv: { kernel: c.kernel, inChannels: units, height: h, width: w, pool: c.pool },
    }
    initUniform(layer, rng, c.channels * kk)
    hidden.push(layer)
    if (c.pool) {
      h = Math.floor(h / 2)
      w = Math.floor(w / 2)
    }
    if (h < 1 || w < 1)
      throw new RangeError(`Cannot build the net: conv ${hidden.length} pools below 1×1`)
    units = c.channels
    rows = h * w
  }
  if (spec.conv.length === 0) units = height * width * channels
  for (const d of spec.dense) {
    const layer = { ...denseLayer(units * rows, d, rows), part: new Int32Array(d) }
    initUniform(layer, rng)
    hidden.push(layer)
    units = d
    rows = 1
  }
  const inputSize = height * width * channels
  const head = denseLayer(units * rows, classes, rows)
  initUniform(head, rng)
  return { inputSize, numTasks: 1, hidden, heads: [head] }
}

/** Recompute every mask from the partitions and zero the forbidden weights. */
export function applyConnectivity(net: MultiNet): void {
  net.hidden.forEach((layer, l) => {
    const inPart = l === 0 ? undefined : net.hidden[l - 1]!.part
    for (let i = 0; i < layer.inSize; i++) {
      const pi = inPart ? inPart[Math.floor(i / layer.rowsPerInput)]! : SHARED
      for (let j = 0; j < layer.outSize; j++)
        layer.mask[i * layer.outSize + j] = canRead(pi, layer.part[j]!) ? 1 : 0
    }
    for (let j = 0; j < layer.outSize; j++) if (layer.part[j] === DELETED) layer.b[j] = 0
    maskWeights(layer)
  })
  const last = net.hidden.at(-1)
  net.heads.forEach((head, t) => {
    for (let i = 0; i < head.inSize; i++) {
      const ok = last ? canRead(last.part[Math.floor(i / head.rowsPerInput)]!, t) : true
      for (let j = 0; j < head.outSize; j++) head.mask[i * head.outSize + j] = ok ? 1 : 0
    }
    maskWeights(head)
  })
}

/**
 * Per input neuron, the runs of outputs its rows may reach as flat [start, end, start, end, ...]
 * pairs (from the mask, which is constant over a neuron's rows), so the kernels skip the forbidden
 * blocks of a merged net (a block-diagonal concatenation costs n times less).
 */
export function readRuns(layer: DenseLayer): Int32Array[] {
  const { outSize, rowsPerInput: rpi, mask } = layer
  const units = layer.inSize / rpi
  const out: Int32Array[] = []
  const pairs: number[] = []
  for (let u = 0; u < units; u++) {
    pairs.length = 0
    const row = u * rpi * outSize
    let j = 0
    while (j < outSize) {
      while (j < outSize && mask[row + j] === 0) j++
      if (j >= outSize) break
      const start = j
      while (j < outSize && mask[row + j] !== 0) j++
      pairs.push(start, j)
    }
    out.push(Int32Array.from(pairs))
  }
  return out
}

function maskWeights(layer: DenseLayer): void {
  for (let k = 0; k < layer.w.length; k++) layer.w[k]! *= layer.mask[k]!
}

/** Deep copy. */
export function cloneNet(net: MultiNet): MultiNet {
  const copy = (l: DenseLayer): DenseLayer => ({
    ...l,
    w: l.w.slice(),
    b: l.b.slice(),
    mask: l.mask.slice(),
  })
  return {
    ...net,
    hidden: net.hidden.map((l) => ({
      ...copy(l),
      part: l.part.slice(),
      ...(l.gate ? { gate: l.gate.slice() } : {}),
    })),
    heads: net.heads.map(copy),
  }
}

/**
 * Concatenate single-task nets of one architecture into one net: layer l holds every net's
 * neurons side by side (net t at offset t·d_l), cross-net weights are zero (block diagonal), and
 * head t reads net t's last layer. `partOf(t, l, j)` assigns each alive neuron's partition
 * (default: its net's task, i.e. no sharing); deleted neurons stay deleted.
 */
export function concatNets(
  nets: readonly MultiNet[],
  partOf: (t: number, l: number, j: number) => number = (t) => t,
): MultiNet {
  const first = nets[0]
  if (!first) throw new RangeError('Cannot concatenate nets: none given')
  const n = nets.length
  // Net t's input neurons sit at offset t·(its width) of the previous layer, so its weight rows
  // at offset t·(its rows); the first layer reads the one input, shared by every net.
  const hidden: HiddenLayer[] = first.hidden.map((shape, l) => {
    const d = shape.outSize
    const inSize = l === 0 ? shape.inSize : n * shape.inSize
    const layer: HiddenLayer = {
      ...denseLayer(inSize, n * d, shape.rowsPerInput),
      part: new Int32Array(n * d),
      ...(shape.conv
        ? { conv: { ...shape.conv, inChannels: (l === 0 ? 1 : n) * shape.conv.inChannels } }
        : {}),
    }
    nets.forEach((net, t) => {
      const src = net.hidden[l]!
      for (let j = 0; j < d; j++) {
        layer.part[t * d + j] = src.part[j] === DELETED ? DELETED : partOf(t, l, j)
        layer.b[t * d + j] = src.b[j]!
      }
      const rowOff = l === 0 ? 0 : t * src.inSize
      for (let i = 0; i < src.inSize; i++)
        for (let j = 0; j < d; j++)
          layer.w[(rowOff + i) * layer.outSize + t * d + j] = src.w[i * d + j]!
    })
    return layer
  })
  const heads = nets.map((net, t) => {
    const src = net.heads[0]!
    const rows = src.inSize
    const head = denseLayer(n * rows, src.outSize, src.rowsPerInput)
    head.b.set(src.b)
    for (let i = 0; i < rows; i++)
      for (let c = 0; c < src.outSize; c++)
        head.w[(t * rows + i) * src.outSize + c] = src.w[i * src.outSize + c]!
    return head
  })
  const net: MultiNet = { inputSize: first.inputSize, numTasks: n, hidden, heads }
  applyConnectivity(net)
  return net
}

/** Alive neurons per partition of each hidden layer. */
export function partitionCounts(net: MultiNet): LayerPartition[] {
  return net.hidden.map((layer) => {
    const tasks = new Array<number>(net.numTasks).fill(0)
    let shared = 0
    for (const p of layer.part) {
      if (p === SHARED) shared++
      else if (p >= 0) tasks[p]!++
    }
    return { shared, tasks }
  })
}

/**
 * The cost-model architecture of a multitask net: its conv layers (kernel, pool) and dense layers,
 * the input image of the first conv (a flat h·w vector for an MLP), and the heads' classes.
 */
export function netArch(net: MultiNet): MultitaskArch {
  const c = net.hidden[0]?.conv
  return {
    input: c
      ? { height: c.height, width: c.width, channels: c.inChannels }
      : { height: 1, width: net.inputSize, channels: 1 },
    layers: net.hidden.map((l) =>
      l.conv
        ? { kind: 'conv' as const, kernel: l.conv.kernel, pool: l.conv.pool }
        : { kind: 'dense' as const },
    ),
    headClasses: net.heads.map((h) => h.outSize),
  }
}

/** Share of the alive hidden neurons that are in the shared partition. */
export function sharedFraction(net: MultiNet): number {
  let shared = 0
  let alive = 0
  for (const layer of net.hidden)
    for (const p of layer.part) {
      if (p !== DELETED) alive++
      if (p === SHARED) shared++
    }
  return alive === 0 ? 0 : shared / alive
}
