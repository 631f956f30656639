/**
 * The inference path of a merged multitask net for one task combination S: only the shared
 * partition and the partitions of the tasks in S are computed, each as a compact block that reads
 * exactly the inputs the connectivity rule allows (alive shared inputs, plus its own task's): a
 * dense block over the input rows it reads, or a conv block (im2col of its input channels only,
 * then ReLU and pool). Its FLOP count equals the cost model's `combinationFlops`, and it is what
 * latency is measured on.
 */
import { convPlanes, im2colT } from './conv.ts'
import { type ConvShape, type DenseLayer, type MultiNet, positions, SHARED } from './net.ts'

interface Block {
  /**
   * What the block reads: rows of the previous layer's flat output (or of the input) for a dense
   * block, input channels for a conv block.
   */
  inputs: Int32Array
  /** Indices of the block's neurons (channels) in this layer's output. */
  outputs: Int32Array
  /** Compact weights [read rows × outputs] and biases. */
  w: Float32Array
  b: Float32Array
}

interface PlanLayer {
  conv?: ConvShape
  /** Neurons (channels) of the layer, and output positions per neuron. */
  width: number
  positions: number
  blocks: Block[]
}

export interface InferencePlan {
  combo: number[]
  inputSize: number
  layers: PlanLayer[]
  heads: { task: number; block: Block }[]
  /** FLOPs per example (2·fanIn − 1 per output). */
  flops: number
  /** Weights and biases the plan reads. */
  params: number
}

function block(
  w: Float32Array,
  b: Float32Array,
  outSize: number,
  rows: number[],
  outputs: number[],
  inputs: number[] = rows,
): Block {
  const cw = new Float32Array(rows.length * outputs.length)
  rows.forEach((i, a) => {
    outputs.forEach((j, c) => {
      cw[a * outputs.length + c] = w[i * outSize + j]!
    })
  })
  return {
    inputs: Int32Array.from(inputs),
    outputs: Int32Array.from(outputs),
    w: cw,
    b: Float32Array.from(outputs, (j) => b[j]!),
  }
}

const indicesWhere = (n: number, keep: (i: number) => boolean): number[] =>
  Array.from({ length: n }, (_, i) => i).filter(keep)

/** The weight rows of input neurons `units`, `rpi` consecutive rows each. */
const rowsOf = (units: readonly number[], rpi: number): number[] =>
  units.flatMap((u) => Array.from({ length: rpi }, (_, q) => u * rpi + q))

/** Input neurons a block of partition `p` reads (every input unit of the first layer). */
function readable(prevPart: Int32Array | undefined, units: number, p: number): number[] {
  return prevPart
    ? indicesWhere(units, (i) => prevPart[i] === SHARED || (p !== SHARED && prevPart[i] === p))
    : indicesWhere(units, () => true)
}

/** A block of `layer` for the neurons `outputs`, reading the input neurons `units`. */
function layerBlock(layer: DenseLayer, units: number[], outputs: number[], conv: boolean): Block {
  const rows = rowsOf(units, layer.rowsPerInput)
  return block(layer.w, layer.b, layer.outSize, rows, outputs, conv ? units : rows)
}

/** Compiles the blocks of `combo` (task indices). */
export function compilePlan(net: MultiNet, combo: readonly number[]): InferencePlan {
  const partitions = [SHARED, ...combo]
  let prevPart: Int32Array | undefined
  let flops = 0
  let params = 0
  const layers = net.hidden.map((layer): PlanLayer => {
    const pp = prevPart
    const units = layer.inSize / layer.rowsPerInput
    const conv = layer.conv
    const spatial = conv ? conv.height * conv.width : 1
    const blocks = partitions
      .map((p) => {
        const outputs = indicesWhere(layer.outSize, (j) => layer.part[j] === p)
        return layerBlock(layer, readable(pp, units, p), outputs, conv !== undefined)
      })
      .filter((bl) => bl.outputs.length > 0)
    for (const bl of blocks) {
      const fanIn = bl.w.length / bl.outputs.length
      if (fanIn > 0) flops += (2 * fanIn - 1) * bl.outputs.length * spatial
      params += bl.w.length + bl.b.length
    }
    prevPart = layer.part
    return {
      ...(conv ? { conv } : {}),
      width: layer.outSize,
      positions: positions(layer),
      blocks,
    }
  })
  const last = prevPart
  const heads = combo.map((t) => {
    const head = net.heads[t]!
    const units = head.inSize / head.rowsPerInput
    const outputs = indicesWhere(head.outSize, () => true)
    const bl = layerBlock(head, readable(last, units, t), outputs, false)
    if (bl.inputs.length > 0) flops += (2 * bl.inputs.length - 1) * bl.outputs.length
    params += bl.w.length + bl.b.length
    return { task: t, block: bl }
  })
  return { combo: [...combo], inputSize: net.inputSize, layers, heads, flops, params }
}

function runBlock(
  bl: Block,
  x: Float32Array,
  xSize: number,
  rows: number,
  out: Float32Array,
  outSize: number,
  relu: boolean,
): void {
  const nIn = bl.inputs.length
  const nOut = bl.outputs.length
  const acc = new Float32Array(nOut)
  for (let r = 0; r < rows; r++) {
    acc.set(bl.b)
    for (let a = 0; a < nIn; a++) {
      const v = x[r * xSize + bl.inputs[a]!]!
      if (v === 0) continue
      const wr = a * nOut
      for (let c = 0; c < nOut; c++) acc[c]! += v * bl.w[wr + c]!
    }
    for (let c = 0; c < nOut; c++) {
      const v = acc[c]!
      out[r * outSize + bl.outputs[c]!] = relu && v < 0 ? 0 : v
    }
  }
}

/**
 * Runs a conv block on `rows` NCHW inputs of `shape`: im2col of its input channels, the compact
 * matmul, ReLU, then the 2×2 max-pool; writes its channels of `out` [rows × width × positions].
 */
function runConvBlock(
  bl: Block,
  shape: ConvShape,
  x: Float32Array,
  rows: number,
  out: Float32Array,
  width: number,
): void {
  const { height: H, width: W, pool } = shape
  const P = H * W
  const nOut = bl.outputs.length
  const K = bl.w.length / nOut
  const cols = new Float32Array(K * P)
  const tmp = new Float32Array(nOut * P)
  const oh = pool ? Math.floor(H / 2) : H
  const ow = pool ? Math.floor(W / 2) : W
  const OP = oh * ow
  for (let r = 0; r < rows; r++) {
    im2colT(x, r * shape.inChannels * P, shape, cols, bl.inputs)
    convPlanes(cols, K, P, bl.w, bl.b, nOut, tmp, 0)
    for (let c = 0; c < nOut; c++) {
      const dst = (r * width + bl.outputs[c]!) * OP
      const src = c * P
      if (!pool) {
        for (let pos = 0; pos < P; pos++) out[dst + pos] = Math.max(0, tmp[src + pos]!)
        continue
      }
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          const p0 = src + 2 * y * W + 2 * xx
          out[dst + y * ow + xx] = Math.max(
            0,
            tmp[p0]!,
            tmp[p0 + 1]!,
            tmp[p0 + W]!,
            tmp[p0 + W + 1]!,
          )
        }
    }
  }
}

/** Runs the plan on `rows` flat inputs; returns each requested head's raw outputs [rows × classes]. */
export function runPlan(plan: InferencePlan, x: Float32Array, rows: number): Float32Array[] {
  let input = x
  let inSize = plan.inputSize
  for (const layer of plan.layers) {
    const size = layer.width * layer.positions
    const out = new Float32Array(rows * size)
    const conv = layer.conv
    for (const bl of layer.blocks)
      if (conv) runConvBlock(bl, conv, input, rows, out, layer.width)
      else runBlock(bl, input, inSize, rows, out, size, true)
    input = out
    inSize = size
  }
  return plan.heads.map(({ block: bl }) => {
    const out = new Float32Array(rows * bl.outputs.length)
    runBlock(bl, input, inSize, rows, out, bl.outputs.length, false)
    return out
  })
}
