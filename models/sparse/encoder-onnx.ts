/**
 * The ONNX graph of the pruned encoder's blocks (datasets/pruned-encoder.ts), dense with the
 * zeros stored, token-major: input `h` [T, d] (the embedding output) -> output `y` [T, d].
 * Per block, as in models/encoder.ts: q/k/v = h·Wᵀ + b, heads split by Reshape/Transpose,
 * softmax(q·kᵀ/√dh)·v, output projection, h = LN(h + attention); h = LN(h + FFN(h)), FFN with
 * ReLU. LayerNormalization needs opset >= 17.
 */
import onnxProto from 'onnx-proto'
import {
  OnnxType,
  onnxModel,
  onnxTensor,
  onnxValueInfo,
} from '../../harness/backends/onnx-graph.ts'

const { onnx } = onnxProto
const A = onnx.AttributeProto.AttributeType

/** A linear layer y = W·x + b, shared by the pruned encoder's data, engines and graph. */
export interface EncoderLinear {
  /** out x in, row-major (zeros stored). */
  w: Float32Array
  bias: Float32Array
  out: number
  in: number
}

export interface EncoderBlockWeights {
  q: EncoderLinear
  k: EncoderLinear
  v: EncoderLinear
  o: EncoderLinear
  ffn1: EncoderLinear
  ffn2: EncoderLinear
  norm1: { gamma: Float32Array; beta: Float32Array }
  norm2: { gamma: Float32Array; beta: Float32Array }
}

export interface EncoderGraphSpec {
  dModel: number
  heads: number
  seqLength: number
  eps: number
  blocks: readonly EncoderBlockWeights[]
}

function kernelOf(l: EncoderLinear): Float32Array {
  const t = new Float32Array(l.w.length)
  for (let o = 0; o < l.out; o++)
    for (let i = 0; i < l.in; i++) t[i * l.out + o] = l.w[o * l.in + i] as number
  return t
}

/** ONNX bytes of the encoder blocks. */
export function encoderBlocksModel(spec: EncoderGraphSpec): Uint8Array {
  const { dModel: d, heads: H, seqLength: T, eps } = spec
  if (d % H !== 0)
    throw new RangeError(`Cannot build the encoder graph: ${H} heads do not divide d = ${d}`)
  const dh = d / H
  const nodes: onnxProto.onnx.INodeProto[] = []
  const inits: onnxProto.onnx.ITensorProto[] = [
    onnxTensor('shape_heads', [3], BigInt64Array.from([T, H, dh].map(BigInt)), OnnxType.INT64),
    onnxTensor('shape_flat', [2], BigInt64Array.from([T, d].map(BigInt)), OnnxType.INT64),
    onnxTensor('scale', [], Float32Array.of(1 / Math.sqrt(dh))),
  ]
  const node = (
    opType: string,
    input: string[],
    output: string,
    attribute: onnxProto.onnx.IAttributeProto[] = [],
  ) => {
    nodes.push(onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute }))
    return output
  }
  const perm = (p: number[]) => [{ name: 'perm', type: A.INTS, ints: p }]
  let h = 'h'
  spec.blocks.forEach((b, i) => {
    const p = `b${i + 1}`
    const linear = (name: string, l: EncoderLinear, x: string) => {
      inits.push(onnxTensor(`${p}_${name}_w`, [l.in, l.out], kernelOf(l)))
      inits.push(onnxTensor(`${p}_${name}_b`, [l.out], l.bias))
      const mm = node('MatMul', [x, `${p}_${name}_w`], `${p}_${name}_mm`)
      return node('Add', [mm, `${p}_${name}_b`], `${p}_${name}`)
    }
    const norm = (name: string, n: { gamma: Float32Array; beta: Float32Array }, x: string) => {
      inits.push(onnxTensor(`${p}_${name}_g`, [d], n.gamma))
      inits.push(onnxTensor(`${p}_${name}_beta`, [d], n.beta))
      return node(
        'LayerNormalization',
        [x, `${p}_${name}_g`, `${p}_${name}_beta`],
        `${p}_${name}`,
        [
          { name: 'axis', type: A.INT, i: -1 },
          { name: 'epsilon', type: A.FLOAT, f: eps },
        ],
      )
    }
    const split = (name: string, x: string, order: number[]) =>
      node(
        'Transpose',
        [node('Reshape', [x, 'shape_heads'], `${name}_r`)],
        `${name}_t`,
        perm(order),
      )
    const q = split(`${p}_qh`, linear('q', b.q, h), [1, 0, 2])
    const k = split(`${p}_kh`, linear('k', b.k, h), [1, 2, 0])
    const v = split(`${p}_vh`, linear('v', b.v, h), [1, 0, 2])
    const s = node('Mul', [node('MatMul', [q, k], `${p}_qk`), 'scale'], `${p}_scores`)
    const probs = node('Softmax', [s], `${p}_probs`, [{ name: 'axis', type: A.INT, i: -1 }])
    const c = node('MatMul', [probs, v], `${p}_ctx`)
    const flat = node(
      'Reshape',
      [node('Transpose', [c], `${p}_ctx_t`, perm([1, 0, 2])), 'shape_flat'],
      `${p}_ctx_flat`,
    )
    const o = linear('o', b.o, flat)
    const h1 = norm('norm1', b.norm1, node('Add', [h, o], `${p}_add1`))
    const f = node('Relu', [linear('ffn1', b.ffn1, h1)], `${p}_ffn1_relu`)
    const f2 = linear('ffn2', b.ffn2, f)
    h = norm('norm2', b.norm2, node('Add', [h1, f2], `${p}_add2`))
  })
  node('Identity', [h], 'y')
  return onnxModel({
    name: 'encoder_blocks',
    node: nodes,
    initializer: inits,
    input: [onnxValueInfo('h', [T, d])],
    output: [onnxValueInfo('y', [T, d])],
  })
}
