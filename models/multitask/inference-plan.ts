/**
 * The inference path of a merged multitask net for one task combination S: only the shared
 * partition and the partitions of the tasks in S are computed, each as a compact dense block that
 * reads exactly the inputs the connectivity rule allows (alive shared inputs, plus its own task's).
 * Its FLOP count equals the cost model's `combinationFlops`, and it is what latency is measured on.
 */
import { type MultiNet, SHARED } from './net.ts'

interface Block {
  /** Indices into the previous layer's activations (or the input) that the block reads. */
  inputs: Int32Array
  /** Indices of the block's neurons in this layer's activation buffer. */
  outputs: Int32Array
  /** Compact weights [inputs × outputs] and biases. */
  w: Float32Array
  b: Float32Array
}

export interface InferencePlan {
  combo: number[]
  inputSize: number
  widths: number[]
  layers: Block[][]
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
  inputs: number[],
  outputs: number[],
): Block {
  const cw = new Float32Array(inputs.length * outputs.length)
  inputs.forEach((i, a) => {
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

/** Compiles the blocks of `combo` (task indices). */
export function compilePlan(net: MultiNet, combo: readonly number[]): InferencePlan {
  const partitions = [SHARED, ...combo]
  let prevPart: Int32Array | undefined
  let prevSize = net.inputSize
  const layers = net.hidden.map((layer) => {
    const pp = prevPart
    const blocks = partitions
      .map((p) => {
        const outputs = indicesWhere(layer.outSize, (j) => layer.part[j] === p)
        const inputs = pp
          ? indicesWhere(prevSize, (i) => pp[i] === SHARED || (p !== SHARED && pp[i] === p))
          : indicesWhere(prevSize, () => true)
        return block(layer.w, layer.b, layer.outSize, inputs, outputs)
      })
      .filter((bl) => bl.outputs.length > 0)
    prevPart = layer.part
    prevSize = layer.outSize
    return blocks
  })
  const last = prevPart
  const heads = combo.map((t) => {
    const head = net.heads[t]!
    const inputs = last
      ? indicesWhere(prevSize, (i) => last[i] === SHARED || last[i] === t)
      : indicesWhere(prevSize, () => true)
    const outputs = indicesWhere(head.outSize, () => true)
    return { task: t, block: block(head.w, head.b, head.outSize, inputs, outputs) }
  })
  let flops = 0
  let params = 0
  for (const bl of [...layers.flat(), ...heads.map((h) => h.block)]) {
    if (bl.inputs.length > 0) flops += (2 * bl.inputs.length - 1) * bl.outputs.length
    params += bl.w.length + bl.b.length
  }
  return {
    combo: [...combo],
    inputSize: net.inputSize,
    widths: net.hidden.map((l) => l.outSize),
    layers,
    heads,
    flops,
    params,
  }
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

/** Runs the plan on `rows` flat inputs; returns each requested head's raw outputs [rows × classes]. */
export function runPlan(plan: InferencePlan, x: Float32Array, rows: number): Float32Array[] {
  let input = x
  let inSize = plan.inputSize
  plan.layers.forEach((blocks, l) => {
    const width = plan.widths[l]!
    const out = new Float32Array(rows * width)
    for (const bl of blocks) runBlock(bl, input, inSize, rows, out, width, true)
    input = out
    inSize = width
  })
  return plan.heads.map(({ block: bl }) => {
    const out = new Float32Array(rows * bl.outputs.length)
    runBlock(bl, input, inSize, rows, out, bl.outputs.length, false)
    return out
  })
}
