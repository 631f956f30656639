/**
 * ONNX graphs of a QNet for onnxruntime-node, in two flavours built from one skeleton:
 *
 * - `qlinear` (QOperator format): QuantizeLinear(x) → uint8, then per layer QLinearConv (int8
 *   per-channel weights, int32 bias; dense layers as 1×1 convolutions on [N, F, 1, 1]), MaxPool
 *   and Reshape on codes; outputs `yq` (uint8 logit codes) and `y` (DequantizeLinear).
 * - `float`: the fp32 network, Conv / MaxPool / Reshape / Gemm with Relu, output `y`.
 *
 * Input `x` is float [N, ...inputShape] (NHWC for images, transposed to NCHW inside). Dense
 * weights after a spatial flatten are permuted from the NHWC to the NCHW flattening order.
 */
import onnxProto from 'onnx-proto'
import type { IntLayer, IntNet } from './integer-net.ts'
import type { QNet } from './qnet.ts'

const { onnx } = onnxProto
const T = onnx.TensorProto.DataType

export type Tensor = onnxProto.onnx.ITensorProto
export type Node = onnxProto.onnx.INodeProto

export function tensor(name: string, dims: number[], type: number, data: ArrayBufferView): Tensor {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: type,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  })
}

export function ints(name: string, values: number[]) {
  return onnx.AttributeProto.create({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints: values,
  })
}

export function int(name: string, value: number) {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value })
}

export function valueInfo(name: string, dims: (number | string)[], type: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  })
}

/** Row permutation of a dense weight [fanIn, out] from NHWC-flatten to NCHW-flatten order. */
export function toNchwRows(w: ArrayLike<number>, out: number, hwc: number[]): Float64Array {
  const [h = 1, wd = 1, c = 1] = hwc
  const res = new Float64Array(w.length)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < wd; x++)
      for (let ch = 0; ch < c; ch++) {
        const src = ((y * wd + x) * c + ch) * out
        const dst = ((ch * h + y) * wd + x) * out
        for (let o = 0; o < out; o++) res[dst + o] = w[src + o] as number
      }
  return res
}

/** [fanIn, out] (rows) or HWIO → OIHW. */
export function toOihw(w: ArrayLike<number>, k: number, cin: number, out: number): Float64Array {
  const res = new Float64Array(w.length)
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let ci = 0; ci < cin; ci++)
        for (let o = 0; o < out; o++)
          res[((o * cin + ci) * k + y) * k + x] = w[((y * k + x) * cin + ci) * out + o] as number
  return res
}

export interface Skeleton {
  kind: 'dense' | 'conv' | 'maxpool' | 'flatten'
  size?: number
  /** Output channels of a convolution (IntLayer `out`, QLayer `cout`). */
  out?: number
  cout?: number
}

/** Shared walk: tracks the NHWC shape so dense weights can be permuted after a flatten. */
export function walk(
  layers: readonly Skeleton[],
  inputShape: readonly number[],
  visit: (i: number, shapeBefore: number[], flattenedFrom: number[] | undefined) => void,
): void {
  let shape = [...inputShape]
  let flattenedFrom: number[] | undefined
  layers.forEach((l, i) => {
    visit(i, shape, flattenedFrom)
    if (l.kind === 'flatten') {
      flattenedFrom = shape
      shape = [shape.reduce((a, b) => a * b, 1)]
    } else if (l.kind === 'maxpool') {
      const [h = 1, w = 1, c = 1] = shape
      shape = [Math.floor(h / (l.size ?? 2)), Math.floor(w / (l.size ?? 2)), c]
    } else if (l.kind === 'conv') {
      const [h = 1, w = 1] = shape
      shape = [h, w, l.out ?? l.cout ?? 1]
    } else {
      flattenedFrom = undefined
    }
  })
}

export function model(
  nodes: Node[],
  inits: Tensor[],
  inputs: ReturnType<typeof valueInfo>[],
  outputs: ReturnType<typeof valueInfo>[],
): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'effbench-quantization',
      opsetImport: [{ domain: '', version: 13 }],
      graph: onnx.GraphProto.create({
        name: 'qnet',
        node: nodes,
        initializer: inits,
        input: inputs,
        output: outputs,
      }),
    }),
  ).finish()
}

/** Prologue: x float [N, ...] → NCHW (images) or [N, F] (flat). */
export function prologue(inputShape: readonly number[], nodes: Node[]): string {
  if (inputShape.length === 3) {
    nodes.push(
      onnx.NodeProto.create({
        opType: 'Transpose',
        input: ['x'],
        output: ['x_nchw'],
        name: 'to_nchw',
        attribute: [ints('perm', [0, 3, 1, 2])],
      }),
    )
    return 'x_nchw'
  }
  return 'x'
}

/** The QOperator (QLinearConv) graph of an integer network. */
export function qlinearModel(net: IntNet, classes: number): Uint8Array {
  const nodes: Node[] = []
  const inits: Tensor[] = []
  const scalar = (name: string, v: number) =>
    inits.push(tensor(name, [], T.FLOAT, new Float32Array([v])))
  const u8 = (name: string, v: number) => inits.push(tensor(name, [], T.UINT8, new Uint8Array([v])))
  let cur = prologue(net.inputShape, nodes)
  scalar('x_scale', net.input.scale)
  u8('x_zp', net.input.zeroPoint)
  nodes.push(
    onnx.NodeProto.create({
      opType: 'QuantizeLinear',
      input: [cur, 'x_scale', 'x_zp'],
      output: ['xq'],
      name: 'quantize_x',
    }),
  )
  cur = 'xq'
  walk(net.layers, net.inputShape, (i, shape, flattenedFrom) => {
    const l = net.layers[i] as IntLayer
    const name = `${l.name}_${i}`
    if (l.kind === 'maxpool') {
      nodes.push(
        onnx.NodeProto.create({
          opType: 'MaxPool',
          input: [cur],
          output: [name],
          name,
          attribute: [ints('kernel_shape', [l.size, l.size]), ints('strides', [l.size, l.size])],
        }),
      )
      cur = name
      return
    }
    if (l.kind === 'flatten') {
      inits.push(tensor(`${name}_shape`, [4], T.INT64, new BigInt64Array([0n, -1n, 1n, 1n])))
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Reshape',
          input: [cur, `${name}_shape`],
          output: [name],
          name,
        }),
      )
      cur = name
      return
    }
    if (l.kind === 'dense' && shape.length === 1 && cur === 'xq') {
      inits.push(tensor(`${name}_in_shape`, [4], T.INT64, new BigInt64Array([0n, -1n, 1n, 1n])))
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Reshape',
          input: [cur, `${name}_in_shape`],
          output: [`${name}_in`],
          name: `${name}_in`,
        }),
      )
      cur = `${name}_in`
    }
    const rows = l.kind === 'dense' && flattenedFrom ? toNchwRows(l.w, l.out, flattenedFrom) : l.w
    const oihw =
      l.kind === 'dense' ? toOihw(rows, 1, l.fanIn, l.out) : toOihw(l.w, l.k, l.cin, l.out)
    const k = l.kind === 'dense' ? 1 : l.k
    const cin = l.kind === 'dense' ? l.fanIn : l.cin
    inits.push(tensor(`${name}_w`, [l.out, cin, k, k], T.INT8, Int8Array.from(oihw)))
    inits.push(tensor(`${name}_ws`, [l.out], T.FLOAT, Float32Array.from(l.wScale)))
    inits.push(tensor(`${name}_wzp`, [l.out], T.INT8, new Int8Array(l.out)))
    inits.push(tensor(`${name}_b`, [l.out], T.INT32, l.bias))
    scalar(`${name}_xs`, l.input.scale)
    u8(`${name}_xzp`, l.input.zeroPoint)
    scalar(`${name}_ys`, l.output.scale)
    u8(`${name}_yzp`, l.output.zeroPoint)
    const pad = Math.floor((k - 1) / 2)
    nodes.push(
      onnx.NodeProto.create({
        opType: 'QLinearConv',
        input: [
          cur,
          `${name}_xs`,
          `${name}_xzp`,
          `${name}_w`,
          `${name}_ws`,
          `${name}_wzp`,
          `${name}_ys`,
          `${name}_yzp`,
          `${name}_b`,
        ],
        output: [name],
        name,
        attribute: [
          ints('kernel_shape', [k, k]),
          ints('pads', [pad, pad, pad, pad]),
          ints('strides', [1, 1]),
          int('group', 1),
        ],
      }),
    )
    cur = name
  })
  inits.push(tensor('y_shape', [2], T.INT64, new BigInt64Array([0n, -1n])))
  nodes.push(
    onnx.NodeProto.create({
      opType: 'Reshape',
      input: [cur, 'y_shape'],
      output: ['yq'],
      name: 'logit_codes',
    }),
  )
  scalar('y_scale', net.output.scale)
  u8('y_zp', net.output.zeroPoint)
  nodes.push(
    onnx.NodeProto.create({
      opType: 'DequantizeLinear',
      input: ['yq', 'y_scale', 'y_zp'],
      output: ['y'],
      name: 'dequantize_y',
    }),
  )
  return model(
    nodes,
    inits,
    [valueInfo('x', ['N', ...net.inputShape], T.FLOAT)],
    [valueInfo('yq', ['N', classes], T.UINT8), valueInfo('y', ['N', classes], T.FLOAT)],
  )
}

/** The fp32 graph of a QNet (Conv / MaxPool / Gemm), same input and layouts. */
export function floatModel(net: QNet, classes: number): Uint8Array {
  const nodes: Node[] = []
  const inits: Tensor[] = []
  let cur = prologue(net.inputShape, nodes)
  walk(net.layers, net.inputShape, (i, _shape, flattenedFrom) => {
    const l = net.layers[i]
    if (!l) return
    const name = `${l.name}_${i}`
    if (l.kind === 'maxpool') {
      nodes.push(
        onnx.NodeProto.create({
          opType: 'MaxPool',
          input: [cur],
          output: [name],
          name,
          attribute: [ints('kernel_shape', [l.size, l.size]), ints('strides', [l.size, l.size])],
        }),
      )
      cur = name
      return
    }
    if (l.kind === 'flatten') {
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Flatten',
          input: [cur],
          output: [name],
          name,
          attribute: [int('axis', 1)],
        }),
      )
      cur = name
      return
    }
    if (l.kind === 'dense') {
      const rows = flattenedFrom ? toNchwRows(l.w, l.units, flattenedFrom) : l.w
      inits.push(tensor(`${name}_w`, [l.fanIn, l.units], T.FLOAT, Float32Array.from(rows)))
      inits.push(tensor(`${name}_b`, [l.units], T.FLOAT, l.b))
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Gemm',
          input: [cur, `${name}_w`, `${name}_b`],
          output: [name],
          name,
        }),
      )
    } else {
      const pad = Math.floor((l.k - 1) / 2)
      inits.push(
        tensor(
          `${name}_w`,
          [l.cout, l.cin, l.k, l.k],
          T.FLOAT,
          Float32Array.from(toOihw(l.w, l.k, l.cin, l.cout)),
        ),
      )
      inits.push(tensor(`${name}_b`, [l.cout], T.FLOAT, l.b))
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Conv',
          input: [cur, `${name}_w`, `${name}_b`],
          output: [name],
          name,
          attribute: [ints('kernel_shape', [l.k, l.k]), ints('pads', [pad, pad, pad, pad])],
        }),
      )
    }
    cur = name
    if (l.relu) {
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Relu',
          input: [cur],
          output: [`${name}_relu`],
          name: `${name}_relu`,
        }),
      )
      cur = `${name}_relu`
    }
  })
  nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [cur], output: ['y'], name: 'y' }))
  return model(
    nodes,
    inits,
    [valueInfo('x', ['N', ...net.inputShape], T.FLOAT)],
    [valueInfo('y', ['N', classes], T.FLOAT)],
  )
}
