/**
 * The QDQ-format ONNX graph of a fake-quantized network (ptq.ts): float operators with explicit
 * QuantizeLinear → DequantizeLinear pairs around every weight and activation, which is how
 * onnxruntime's `quantize_static(QuantFormat.QDQ)` writes models.
 *
 *   x ─Q─DQ─▶ per weighted layer:  W codes (int8) ─DQ(per channel, axis)─┐
 *                                  b codes (int32, scale S_in·S_w) ─DQ───┤
 *                                  Conv / MatMul+Add (float) ── Relu ── Clip ─Q─DQ─▶ …
 *   MaxPool and Flatten in float; outputs `yq` (uint8 logit codes) and `y` (dequantized logits)
 *
 * Activation codes narrower than 8 bits live in uint8 containers, so a Clip to the code range's
 * real interval [S·(q_min − Z), S·(q_max − Z)] comes before each QuantizeLinear (QuantizeLinear
 * itself saturates only to the container). Run without graph optimisations, onnxruntime executes
 * these float semantics (the same arithmetic as our fake quantization); with them, it fuses
 * DQ → op → Q into its int8 kernels.
 */
import onnxProto from 'onnx-proto'
import {
  int,
  ints,
  model,
  type Node,
  prologue,
  type Tensor,
  tensor,
  toNchwRows,
  toOihw,
  valueInfo,
  walk,
} from './onnx-qlinear.ts'
import type { QuantizedNet } from './ptq.ts'
import type { QLayer } from './qnet.ts'
import type { QParams } from './quantizer.ts'

const { onnx } = onnxProto
const T = onnx.TensorProto.DataType

/** The QDQ graph of `q` (uniform weights only), `classes` logits. */
export function qdqModel(q: QuantizedNet, classes: number): Uint8Array {
  const nodes: Node[] = []
  const inits: Tensor[] = []
  const node = (opType: string, input: string[], output: string, attribute: object[] = []) =>
    nodes.push(onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute }))
  const f32 = (name: string, dims: number[], v: ArrayLike<number>) =>
    inits.push(tensor(name, dims, T.FLOAT, Float32Array.from(v)))

  /** Clip (if the codes are narrower than uint8) → QuantizeLinear → DequantizeLinear. */
  const qdqAct = (cur: string, p: QParams, name: string): string => {
    if (p.qMin < 0 || p.qMax > 255)
      throw new RangeError(`Cannot export "${name}" as QDQ: codes [${p.qMin}, ${p.qMax}] not uint8`)
    f32(`${name}_s`, [], [p.scale])
    inits.push(tensor(`${name}_zp`, [], T.UINT8, new Uint8Array([p.zeroPoint])))
    let input = cur
    if (p.qMin > 0 || p.qMax < 255) {
      f32(`${name}_lo`, [], [p.scale * (p.qMin - p.zeroPoint)])
      f32(`${name}_hi`, [], [p.scale * (p.qMax - p.zeroPoint)])
      node('Clip', [cur, `${name}_lo`, `${name}_hi`], `${name}_clip`)
      input = `${name}_clip`
    }
    node('QuantizeLinear', [input, `${name}_s`, `${name}_zp`], `${name}_q`)
    node('DequantizeLinear', [`${name}_q`, `${name}_s`, `${name}_zp`], `${name}_dq`)
    return `${name}_dq`
  }

  let cur = qdqAct(prologue(q.net.inputShape, nodes), q.actParams[0] as QParams, 'x')
  let j = 0
  let logitCodes = ''
  walk(q.net.layers, q.net.inputShape, (i, _shape, flattenedFrom) => {
    const l = q.net.layers[i] as QLayer
    const name = `${l.name}_${i}`
    if (l.kind === 'maxpool') {
      node('MaxPool', [cur], name, [
        ints('kernel_shape', [l.size, l.size]),
        ints('strides', [l.size, l.size]),
      ])
      cur = name
      return
    }
    if (l.kind === 'flatten') {
      node('Flatten', [cur], name, [int('axis', 1)])
      cur = name
      return
    }
    const params = q.wParams[j]
    const values = q.weights[j]
    const bias = q.biases[j]
    const inP = q.actParams[j] as QParams
    const outP = q.actParams[j + 1] as QParams
    if (!params || params.length === 0 || !values || !bias)
      throw new TypeError(`Cannot export layer "${l.name}" as QDQ: its weights are not uniform`)
    const out = l.kind === 'dense' ? l.units : l.cout
    const pc = (c: number) => params[params.length === 1 ? 0 : c] as QParams
    // Weight codes from the dequantized values: W̃ = S·(q − Z) exactly, so q = round(W̃/S) + Z.
    const codes = values.map((v, k) => Math.round(v / pc(k % out).scale) + pc(k % out).zeroPoint)
    const nS = params.length
    const wS = Float32Array.from(params, (p) => p.scale)
    const wZp = Int8Array.from(params, (p) => p.zeroPoint)
    const bS = Float32Array.from({ length: out }, (_, c) => inP.scale * pc(c).scale)
    const bCodes = Int32Array.from(bias, (b, c) => Math.round(b / (bS[c] as number)))
    inits.push(tensor(`${name}_bq`, [out], T.INT32, bCodes))
    f32(`${name}_bs`, [out], bS)
    inits.push(tensor(`${name}_bzp`, [out], T.INT32, new Int32Array(out)))
    node('DequantizeLinear', [`${name}_bq`, `${name}_bs`, `${name}_bzp`], `${name}_b`, [
      int('axis', 0),
    ])
    f32(`${name}_ws`, nS === 1 ? [] : [nS], wS)
    inits.push(tensor(`${name}_wzp`, nS === 1 ? [] : [nS], T.INT8, wZp))
    if (l.kind === 'dense') {
      const rows = flattenedFrom ? toNchwRows(codes, out, flattenedFrom) : codes
      inits.push(tensor(`${name}_wq`, [l.fanIn, out], T.INT8, Int8Array.from(rows)))
      node('DequantizeLinear', [`${name}_wq`, `${name}_ws`, `${name}_wzp`], `${name}_w`, [
        int('axis', 1),
      ])
      node('MatMul', [cur, `${name}_w`], `${name}_mm`)
      node('Add', [`${name}_mm`, `${name}_b`], name)
    } else {
      const oihw = Int8Array.from(toOihw(codes, l.k, l.cin, out))
      inits.push(tensor(`${name}_wq`, [out, l.cin, l.k, l.k], T.INT8, oihw))
      node('DequantizeLinear', [`${name}_wq`, `${name}_ws`, `${name}_wzp`], `${name}_w`, [
        int('axis', 0),
      ])
      const pad = Math.floor((l.k - 1) / 2)
      node('Conv', [cur, `${name}_w`, `${name}_b`], name, [
        ints('kernel_shape', [l.k, l.k]),
        ints('pads', [pad, pad, pad, pad]),
      ])
    }
    cur = name
    if (l.relu) {
      node('Relu', [cur], `${name}_relu`)
      cur = `${name}_relu`
    }
    j++
    cur = qdqAct(cur, outP, `${name}_act`)
    logitCodes = `${name}_act_q`
  })
  node('Identity', [logitCodes], 'yq')
  node('Identity', [cur], 'y')
  return model(
    nodes,
    inits,
    [valueInfo('x', ['N', ...q.net.inputShape], T.FLOAT)],
    [valueInfo('yq', ['N', classes], T.UINT8), valueInfo('y', ['N', classes], T.FLOAT)],
  )
}
