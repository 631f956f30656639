/**
 * The ONNX graph of one linear layer relu(W·X + b) in either layout:
 *   'wx'   : MatMul(W [M,K] initializer, x [K,N] input) + b [M,1] -> Relu -> y [M,N]
 *   'xtwt' : MatMul(xt [N,K] input, Wᵀ [K,M] initializer) + b [M] -> Relu -> yt [N,M]
 * 'xtwt' puts the constant weight in the B operand, which onnxruntime prepacks.
 */
import onnxProto from 'onnx-proto'
import { onnxModel, onnxTensor, onnxValueInfo } from '../../harness/backends/onnx-graph.ts'

const { onnx } = onnxProto

export type MatmulLayout = 'wx' | 'xtwt'

/** Row-major transpose of a rows x cols matrix. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j] as number
  return t
}

/** ONNX bytes of relu(W·X + b) in `layout`; input `x`, output `y` (transposed for 'xtwt'). */
export function linearReluModel(
  w: Float32Array,
  bias: Float32Array,
  shape: { M: number; K: number; N: number },
  layout: MatmulLayout,
): Uint8Array {
  const { M, K, N } = shape
  const wx = layout === 'wx'
  const inits = wx
    ? [onnxTensor('w', [M, K], w), onnxTensor('b', [M, 1], bias)]
    : [onnxTensor('w', [K, M], transpose(w, M, K)), onnxTensor('b', [M], bias)]
  const node = (opType: string, input: string[], output: string) =>
    onnx.NodeProto.create({ opType, input, output: [output], name: output })
  return onnxModel({
    name: 'linear_relu',
    node: [
      node('MatMul', wx ? ['w', 'x'] : ['x', 'w'], 'mm'),
      node('Add', ['mm', 'b'], 'add'),
      node('Relu', ['add'], 'y'),
    ],
    initializer: inits,
    input: [onnxValueInfo('x', wx ? [K, N] : [N, K])],
    output: [onnxValueInfo('y', wx ? [M, N] : [N, M])],
  })
}
