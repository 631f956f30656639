/**
 * A dense multitask network with partitioned neurons, in plain TypeScript (Float32Array weights,
 * hand-written forward and backward passes) so that merging, partition connectivity and neuron
 * pruning are exact and cheap.
 *
 * Every hidden neuron belongs to one partition: SHARED, a task index, or DELETED. The connectivity
 * rule of Pruning-Aware Merging is a weight mask: shared neurons read shared inputs, task-t neurons
 * read shared and task-t inputs, task t's head reads shared and task-t neurons of the last hidden
 * layer; the first layer reads the input image. Forbidden weights are kept at zero.
 */
import type { Rng } from '../../harness/run/rng.ts'
import type { LayerPartition, MultitaskArch } from './cost.ts'

export const SHARED = -1
export const DELETED = -2

/** A fully connected layer: `w[i * outSize + j]` connects input i to output j. */
export interface DenseLayer {
  inSize: number
  outSize: number
  w: Float32Array
  b: Float32Array
  /** 1 where the connectivity rule allows the weight, else 0. */
  mask: Float32Array
}

export interface HiddenLayer extends DenseLayer {
  /** Partition of each output neuron: SHARED, a task index, or DELETED. */
  part: Int32Array
  /** Optional scaling factor of each output after the ReLU (gated pruning; folded away after). */
  gate?: Float32Array
}

export interface MultiNet {
  inputSize: number
  numTasks: number
  hidden: HiddenLayer[]
  /** One head per task (tanh outputs), reading the last hidden layer. */
  heads: DenseLayer[]
}

/** Can a neuron of partition `outPart` read one of partition `inPart`? */
export function canRead(inPart: number, outPart: number): boolean {
  if (inPart === DELETED || outPart === DELETED) return false
  return inPart === SHARED || inPart === outPart
}

function denseLayer(inSize: number, outSize: number): DenseLayer {
  return {
    inSize,
    outSize,
    w: new Float32Array(inSize * outSize),
    b: new Float32Array(outSize),
    mask: new Float32Array(inSize * outSize).fill(1),
  }
}

/** Glorot-uniform weights from `rng`. */
function initUniform(layer: DenseLayer, rng: Rng): void {
  const limit = Math.sqrt(6 / (layer.inSize + layer.outSize))
  for (let i = 0; i < layer.w.length; i++) layer.w[i] = (2 * rng.next() - 1) * limit
}

/** A fresh single-task net (`numTasks` 1, every hidden neuron in partition 0). */
export function createNet(
  inputSize: number,
  widths: readonly number[],
  classes: number,
  rng: Rng,
): MultiNet {
  const hidden: HiddenLayer[] = []
  let inSize = inputSize
  for (const d of widths) {
    const layer = { ...denseLayer(inSize, d), part: new Int32Array(d) }
    initUniform(layer, rng)
    hidden.push(layer)
    inSize = d
  }
  const head = denseLayer(inSize, classes)
  initUniform(head, rng)
  return { inputSize, numTasks: 1, hidden, heads: [head] }
}

/** Recompute every mask from the partitions and zero the forbidden weights. */
export function applyConnectivity(net: MultiNet): void {
  net.hidden.forEach((layer, l) => {
    const inPart = l === 0 ? undefined : net.hidden[l - 1]!.part
    for (let i = 0; i < layer.inSize; i++) {
      const pi = inPart ? inPart[i]! : SHARED
      for (let j = 0; j < layer.outSize; j++)
        layer.mask[i * layer.outSize + j] = canRead(pi, layer.part[j]!) ? 1 : 0
    }
    for (let j = 0; j < layer.outSize; j++) if (layer.part[j] === DELETED) layer.b[j] = 0
    maskWeights(layer)
  })
  const last = net.hidden.at(-1)
  net.heads.forEach((head, t) => {
    for (let i = 0; i < head.inSize; i++) {
      const ok = last ? canRead(last.part[i]!, t) : true
      for (let j = 0; j < head.outSize; j++) head.mask[i * head.outSize + j] = ok ? 1 : 0
    }
    maskWeights(head)
  })
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
  const widths = first.hidden.map((l) => l.outSize)
  const n = nets.length
  const hidden: HiddenLayer[] = widths.map((d, l) => {
    const inSize = l === 0 ? first.inputSize : n * widths[l - 1]!
    const layer = { ...denseLayer(inSize, n * d), part: new Int32Array(n * d) }
    nets.forEach((net, t) => {
      const src = net.hidden[l]!
      for (let j = 0; j < d; j++) {
        layer.part[t * d + j] = src.part[j] === DELETED ? DELETED : partOf(t, l, j)
        layer.b[t * d + j] = src.b[j]!
      }
      const rowOff = l === 0 ? 0 : t * widths[l - 1]!
      for (let i = 0; i < src.inSize; i++)
        for (let j = 0; j < d; j++)
          layer.w[(rowOff + i) * layer.outSize + t * d + j] = src.w[i * d + j]!
    })
    return layer
  })
  const dl = widths.at(-1)!
  const heads = nets.map((net, t) => {
    const src = net.heads[0]!
    const head = denseLayer(n * dl, src.outSize)
    head.b.set(src.b)
    for (let i = 0; i < dl; i++)
      for (let c = 0; c < src.outSize; c++)
        head.w[(t * dl + i) * src.outSize + c] = src.w[i * src.outSize + c]!
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

/** The cost-model architecture of a dense multitask net on square single-channel images. */
export function denseArch(net: MultiNet): MultitaskArch {
  return {
    input: { height: 1, width: net.inputSize, channels: 1 },
    layers: net.hidden.map(() => ({ kind: 'dense' as const })),
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
