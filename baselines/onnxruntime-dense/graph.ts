/**
 * The ONNX graph of a dense layer stack: per layer MatMul → Add (bias) → Relu (all but the last),
 * weights as float initializers, input `x` [batch, in], output `y` [batch, out].
 */
import onnxProto from 'onnx-proto'
import type { DenseLayer } from '../../datasets/dense-stack.ts'
import { onnxModel, onnxTensor, onnxValueInfo } from '../../harness/backends/onnx-graph.ts'

const { onnx } = onnxProto

export function denseStackModel(layers: readonly DenseLayer[], batch: number): Uint8Array {
  const nodes: onnxProto.onnx.INodeProto[] = []
  const inits: onnxProto.onnx.ITensorProto[] = []
  let x = 'x'
  layers.forEach((l, i) => {
    inits.push(
      onnxTensor(`w${i}`, [l.inputs, l.outputs], l.weight),
      onnxTensor(`b${i}`, [l.outputs], l.bias),
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
  return onnxModel({
    name: 'dense_stack',
    node: nodes,
    initializer: inits,
    input: [onnxValueInfo('x', [batch, first.inputs])],
    output: [onnxValueInfo('y', [batch, lastLayer.outputs])],
  })
}
