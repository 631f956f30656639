/**
 * Small builders for hand-made ONNX graphs (onnx-proto): tensors, value infos and a model
 * wrapper, shared by every subject that builds its own graph.
 */
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
export const OnnxType = onnx.TensorProto.DataType

/** An initializer tensor with raw little-endian data (float32 unless `type` says otherwise). */
export function onnxTensor(
  name: string,
  dims: number[],
  data: ArrayBufferView,
  type: number = OnnxType.FLOAT,
) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: type,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  })
}

/** A graph input or output of fixed (or named symbolic) dims. */
export function onnxValueInfo(
  name: string,
  dims: (number | string)[],
  type: number = OnnxType.FLOAT,
) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  })
}

/** Encode a graph as an ONNX model (IR 8, default-domain opset `opset`). */
export function onnxModel(graph: onnxProto.onnx.IGraphProto, opset = 17): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'effbench',
    opsetImport: [{ domain: '', version: opset }],
    graph: onnx.GraphProto.create(graph),
  })
  return onnx.ModelProto.encode(model).finish()
}
