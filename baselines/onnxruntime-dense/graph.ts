/**
 * The ONNX graph of a dense layer stack: per layer MatMul → Add (bias) → Relu (all but the last),
 * weights as float initializers, input `x` [batch, in], output `y` [batch, out].
 */
import onnxProto from 'onnx-proto'
import type { DenseLayer } from '../../datasets/dense-stack.ts'

const { onnx } = onnxProto

function initializer(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  })
}

function valueInfo(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => ({ dimValue: d })) },
      },
    },
  })
}

export function denseStackModel(layers: readonly DenseLayer[], batch: number): Uint8Array {
  const nodes: onnxProto.onnx.INodeProto[] = []
  const inits: onnxProto.onnx.ITensorProto[] = []
  let x = 'x'
  layers.forEach((l, i) => {
    inits.push(
      initializer(`w${i}`, [l.inputs, l.outputs], l.weight),
      initializer(`b${i}`, [l.outputs], l.bias),
    )
    const last = i === layers.length - 1
    const mm = `mm${i}`
    const add = last ? 'y' : `add${i}`
    nodes.push(
      onnx.NodeProto.create({ opType: 'MatMul', input: [x, `w${i}`], output: [mm], name: mm }),
    )
    nodes.push(
      onnx.NodeProto.create({
        opType: 'Add',
        input: [mm, `b${i}`],
        output: [add],
        name: `add_${i}`,
      }),
    )
    x = add
    if (l.relu && !last) {
      nodes.push(
        onnx.NodeProto.create({
          opType: 'Relu',
          input: [add],
          output: [`relu${i}`],
          name: `relu${i}`,
        }),
      )
      x = `relu${i}`
    }
  })
  const first = layers[0]
  const lastLayer = layers[layers.length - 1]
  if (!first || !lastLayer) throw new RangeError('Cannot build a dense stack model: no layers')
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'effbench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: onnx.GraphProto.create({
      name: 'dense_stack',
      node: nodes,
      initializer: inits,
      input: [valueInfo('x', [batch, first.inputs])],
      output: [valueInfo('y', [batch, lastLayer.outputs])],
    }),
  })
  return onnx.ModelProto.encode(model).finish()
}
