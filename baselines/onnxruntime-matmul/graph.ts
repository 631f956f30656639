/**
 * The ONNX graph of one linear layer relu(W·X + b) in either layout:
 *   'wx'   : MatMul(W [M,K] initializer, x [K,N] input) + b [M,1] -> Relu -> y [M,N]
 *   'xtwt' : MatMul(xt [N,K] input, Wᵀ [K,M] initializer) + b [M] -> Relu -> yt [N,M]
 * 'xtwt' puts the constant weight in the B operand, which onnxruntime prepacks.
 */
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

export type MatmulLayout = 'wx' | 'xtwt'

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
    ? [initializer('w', [M, K], w), initializer('b', [M, 1], bias)]
    : [initializer('w', [K, M], transpose(w, M, K)), initializer('b', [M], bias)]
  const node = (opType: string, input: string[], output: string) =>
    onnx.NodeProto.create({ opType, input, output: [output], name: output })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'effbench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: onnx.GraphProto.create({
      name: 'linear_relu',
      node: [
        node('MatMul', wx ? ['w', 'x'] : ['x', 'w'], 'mm'),
        node('Add', ['mm', 'b'], 'add'),
        node('Relu', ['add'], 'y'),
      ],
      initializer: inits,
      input: [valueInfo('x', wx ? [K, N] : [N, K])],
      output: [valueInfo('y', wx ? [M, N] : [N, M])],
    }),
  })
  return onnx.ModelProto.encode(model).finish()
}
