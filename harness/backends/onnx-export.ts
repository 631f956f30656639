/**
 * Exports a tfjs-layers Sequential model to ONNX bytes (opset 13) through `onnx-proto`.
 *
 *   layers -> ops        each supported layer becomes a plain op with its weights as Float32Arrays
 *   fold                 a BatchNormalization right after a linear Dense/Conv2D is folded into its
 *                        weights (W' = W * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps));
 *                        any other BatchNormalization becomes an ONNX BatchNormalization node
 *   emit                 ops -> ONNX nodes, tracking the layout of the running tensor
 *
 * Layout: the ONNX model takes the same NHWC input as tfjs. Before the first Conv/Pool it inserts a
 * Transpose to NCHW (ONNX's layout for Conv and pooling), and before a Flatten (or at the output)
 * a Transpose back to NHWC, so that Flatten yields the (h, w, c) order tfjs uses and the following
 * Dense weights need no permutation. Dropout is the identity at inference and is dropped.
 */
import type * as tfl from '@tensorflow/tfjs-layers'
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

/** Opset the exported graphs use (Softmax over the last axis needs >= 13). */
export const ONNX_OPSET = 13

export interface OnnxExportOptions {
  /** @default 'input' */
  inputName?: string
  /** @default 'output' */
  outputName?: string
}

type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax'
type Padding = 'same' | 'valid'

interface DenseOp {
  kind: 'dense'
  name: string
  /** [in, out] */
  w: Float32Array
  b: Float32Array
  units: number
  inUnits: number
  act: Activation
}
interface ConvOp {
  kind: 'conv'
  name: string
  /** tfjs layout [KH, KW, CI, CO] */
  w: Float32Array
  b: Float32Array
  shape: [number, number, number, number]
  strides: [number, number]
  dilations: [number, number]
  pads: [number, number, number, number]
  act: Activation
}
interface PoolOp {
  kind: 'maxpool' | 'avgpool'
  name: string
  size: [number, number]
  strides: [number, number]
  pads: [number, number, number, number]
}
interface BnOp {
  kind: 'bn'
  name: string
  gamma: Float32Array
  beta: Float32Array
  mean: Float32Array
  variance: Float32Array
  epsilon: number
}
type Op =
  | DenseOp
  | ConvOp
  | PoolOp
  | BnOp
  | { kind: 'flatten'; name: string }
  | { kind: 'act'; name: string; act: Activation }

const SUPPORTED = [
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'Flatten',
  'Dropout',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'Softmax',
  'InputLayer',
]

function pair(v: unknown, what: string): [number, number] {
  if (typeof v === 'number') return [v, v]
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])]
  if (Array.isArray(v) && v.length === 1) return [Number(v[0]), Number(v[0])]
  throw new TypeError(`Cannot export to ONNX: ${what} ${JSON.stringify(v)} is not a pair`)
}

function activation(layer: string, name: unknown): Activation {
  const a = name ?? 'linear'
  if (a === 'linear' || a === 'relu' || a === 'tanh' || a === 'sigmoid' || a === 'softmax') return a
  throw new TypeError(
    `Cannot export layer "${layer}" to ONNX: activation "${String(a)}" (supported: linear, relu, tanh, sigmoid, softmax)`,
  )
}

/** Explicit [top, left, bottom, right] pads, as TensorFlow computes them for 'same'. */
function pads(
  padding: Padding,
  inHW: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0]
  const total = [0, 1].map((i) => {
    const n = inHW[i] as number
    const s = strides[i] as number
    const k = ((kernel[i] as number) - 1) * (dilations[i] as number) + 1
    return Math.max((Math.ceil(n / s) - 1) * s + k - n, 0)
  }) as [number, number]
  const top = Math.floor(total[0] / 2)
  const left = Math.floor(total[1] / 2)
  return [top, left, total[0] - top, total[1] - left]
}

function spatial(shape: unknown, layer: string): [number, number] {
  const s = shape as (number | null)[]
  const h = s[1]
  const w = s[2]
  if (s.length !== 4 || typeof h !== 'number' || typeof w !== 'number')
    throw new TypeError(
      `Cannot export layer "${layer}" to ONNX: needs a known NHWC input shape, got ${JSON.stringify(shape)}`,
    )
  return [h, w]
}

function inputShapeOf(layer: tfl.layers.Layer): (number | null)[] {
  const input = layer.getInputAt(0)
  return (Array.isArray(input) ? input[0]?.shape : input.shape) ?? []
}

function toOps(model: tfl.Sequential): Op[] {
  const ops: Op[] = []
  for (const layer of model.layers) {
    const cls = layer.getClassName()
    const cfg = layer.getConfig() as Record<string, unknown>
    const name = layer.name
    const weights = layer.getWeights().map((t) => Float32Array.from(t.dataSync()))
    const shapes = layer.getWeights().map((t) => t.shape)
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        break
      case 'Dense': {
        const [inUnits, units] = shapes[0] as [number, number]
        if ((inputShapeOf(layer) as (number | null)[]).length !== 2)
          throw new TypeError(`Cannot export layer "${name}" to ONNX: Dense on a rank > 2 input`)
        ops.push({
          kind: 'dense',
          name,
          w: weights[0] as Float32Array,
          b: cfg['useBias'] === false ? new Float32Array(units) : (weights[1] as Float32Array),
          units,
          inUnits,
          act: activation(name, cfg['activation']),
        })
        break
      }
      case 'Conv2D': {
        if (cfg['dataFormat'] === 'channelsFirst')
          throw new TypeError(`Cannot export layer "${name}" to ONNX: dataFormat channelsFirst`)
        const shape = shapes[0] as [number, number, number, number]
        const strides = pair(cfg['strides'], 'strides')
        const dilations = pair(cfg['dilationRate'] ?? 1, 'dilationRate')
        ops.push({
          kind: 'conv',
          name,
          w: weights[0] as Float32Array,
          b: cfg['useBias'] === false ? new Float32Array(shape[3]) : (weights[1] as Float32Array),
          shape,
          strides,
          dilations,
          pads: pads(
            cfg['padding'] as Padding,
            spatial(inputShapeOf(layer), name),
            [shape[0], shape[1]],
            strides,
            dilations,
          ),
          act: activation(name, cfg['activation']),
        })
        break
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const size = pair(cfg['poolSize'], 'poolSize')
        const strides = pair(cfg['strides'] ?? cfg['poolSize'], 'strides')
        ops.push({
          kind: cls === 'MaxPooling2D' ? 'maxpool' : 'avgpool',
          name,
          size,
          strides,
          pads: pads(cfg['padding'] as Padding, spatial(inputShapeOf(layer), name), size, strides),
        })
        break
      }
      case 'Flatten':
        ops.push({ kind: 'flatten', name })
        break
      case 'Activation':
        ops.push({ kind: 'act', name, act: activation(name, cfg['activation']) })
        break
      case 'ReLU':
        if (cfg['maxValue'] != null)
          throw new TypeError(`Cannot export layer "${name}" to ONNX: ReLU with maxValue`)
        ops.push({ kind: 'act', name, act: 'relu' })
        break
      case 'Softmax':
        if (cfg['axis'] !== undefined && cfg['axis'] !== -1)
          throw new TypeError(
            `Cannot export layer "${name}" to ONNX: Softmax over axis ${cfg['axis']}`,
          )
        ops.push({ kind: 'act', name, act: 'softmax' })
        break
      case 'BatchNormalization': {
        const axis = cfg['axis'] ?? -1
        const rank = (inputShapeOf(layer) as unknown[]).length
        if (axis !== -1 && axis !== rank - 1)
          throw new TypeError(
            `Cannot export layer "${name}" to ONNX: BatchNormalization axis ${axis}`,
          )
        const c = shapes[shapes.length - 1]?.[0] as number
        let k = 0
        const gamma = cfg['scale'] === false ? new Float32Array(c).fill(1) : weights[k++]
        const beta = cfg['center'] === false ? new Float32Array(c) : weights[k++]
        ops.push({
          kind: 'bn',
          name,
          gamma: gamma as Float32Array,
          beta: beta as Float32Array,
          mean: weights[k++] as Float32Array,
          variance: weights[k++] as Float32Array,
          epsilon: Number(cfg['epsilon'] ?? 1e-3),
        })
        break
      }
      default:
        throw new TypeError(
          `Cannot export layer "${name}" to ONNX: class ${cls} (supported: ${SUPPORTED.join(', ')})`,
        )
    }
  }
  return ops
}

/** Folds each BatchNormalization that directly follows a linear Dense or Conv2D. */
function foldBatchNorms(ops: Op[]): Op[] {
  const out: Op[] = []
  for (const op of ops) {
    const prev = out[out.length - 1]
    if (
      op.kind === 'bn' &&
      prev &&
      (prev.kind === 'dense' || prev.kind === 'conv') &&
      prev.act === 'linear'
    ) {
      const co = prev.b.length
      const s = op.gamma.map((g, i) => g / Math.sqrt((op.variance[i] as number) + op.epsilon))
      const w = prev.w.slice()
      // Both layouts keep the output channel innermost: [in, out] and [KH, KW, CI, CO].
      for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * (s[i % co] as number)
      const b = prev.b.map(
        (v, i) => (v - (op.mean[i] as number)) * (s[i] as number) + (op.beta[i] as number),
      )
      out[out.length - 1] = { ...prev, w, b }
      continue
    }
    out.push(op)
  }
  return out
}

type Layout = 'nhwc' | 'nchw'
/** An ONNX attribute: integers, integer lists, strings, or `{ float }`. */
type Attr = number | number[] | string | { float: number }

/** Builds the ONNX graph from the folded ops. */
class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = []
  readonly initializers: onnxProto.onnx.ITensorProto[] = []
  private count = 0

  fresh(base: string): string {
    return `${base}_${this.count++}`
  }

  constant(name: string, dims: number[], values: Float32Array): string {
    const bytes = new Uint8Array(
      values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
    )
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: bytes,
    })
    return name
  }

  node(
    opType: string,
    inputs: string[],
    base: string,
    attrs: Record<string, Attr> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(base)
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'string')
        return {
          name,
          type: onnx.AttributeProto.AttributeType.STRING,
          s: new TextEncoder().encode(v),
        }
      if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
      return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.float }
    })
    this.nodes.push({ opType, input: inputs, output: [out], name: out, attribute })
    return out
  }
}

const ACT_OP: Record<Exclude<Activation, 'linear'>, string> = {
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  softmax: 'Softmax',
}

/**
 * Exports a tfjs-layers Sequential model (Dense, Conv2D, Max/AveragePooling2D, Flatten, Dropout,
 * BatchNormalization, Activation/ReLU/Softmax) to ONNX model bytes. The ONNX input is NHWC (or
 * [batch, features]) like the tfjs input, with a dynamic batch dimension.
 */
export function exportToOnnx(model: tfl.Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input'
  const outputName = options.outputName ?? 'output'
  const ops = foldBatchNorms(toOps(model))
  const g = new GraphBuilder()
  const inShape = model.inputs[0]?.shape ?? []
  let rank = inShape.length
  let layout: Layout = 'nhwc'
  let x = inputName

  const toLayout = (want: Layout) => {
    if (rank !== 4 || layout === want) return
    x = g.node('Transpose', [x], want, { perm: want === 'nchw' ? [0, 3, 1, 2] : [0, 2, 3, 1] })
    layout = want
  }
  const act = (a: Activation, name: string) => {
    if (a === 'linear') return
    if (a === 'softmax') toLayout('nhwc') // softmax over the channels, tfjs's last axis
    x = g.node(ACT_OP[a], [x], `${name}_${a}`, a === 'softmax' ? { axis: -1 } : {})
  }

  for (const op of ops) {
    switch (op.kind) {
      case 'dense': {
        if (rank !== 2)
          throw new TypeError(`Cannot export layer "${op.name}" to ONNX: Dense on rank ${rank}`)
        const w = g.constant(`${op.name}_W`, [op.inUnits, op.units], op.w)
        const b = g.constant(`${op.name}_B`, [op.units], op.b)
        x = g.node('Gemm', [x, w, b], op.name)
        act(op.act, op.name)
        break
      }
      case 'conv': {
        toLayout('nchw')
        const [kh, kw, ci, co] = op.shape
        // [KH, KW, CI, CO] -> [CO, CI, KH, KW]
        const w = new Float32Array(op.w.length)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let c = 0; c < ci; c++)
              for (let o = 0; o < co; o++)
                w[((o * ci + c) * kh + i) * kw + j] = op.w[
                  ((i * kw + j) * ci + c) * co + o
                ] as number
        const wn = g.constant(`${op.name}_W`, [co, ci, kh, kw], w)
        const bn = g.constant(`${op.name}_B`, [co], op.b)
        x = g.node('Conv', [x, wn, bn], op.name, {
          kernel_shape: [kh, kw],
          strides: op.strides,
          dilations: op.dilations,
          pads: op.pads,
        })
        act(op.act, op.name)
        break
      }
      case 'maxpool':
      case 'avgpool': {
        toLayout('nchw')
        const attrs: Record<string, Attr> = {
          kernel_shape: op.size,
          strides: op.strides,
          pads: op.pads,
        }
        // tfjs averages over the taps inside the input only.
        if (op.kind === 'avgpool') attrs['count_include_pad'] = 0
        x = g.node(op.kind === 'maxpool' ? 'MaxPool' : 'AveragePool', [x], op.name, attrs)
        break
      }
      case 'bn': {
        const c = op.mean.length
        // ONNX normalises axis 1: NCHW for images, [N, C] for vectors.
        toLayout('nchw')
        const inputs = [
          x,
          g.constant(`${op.name}_scale`, [c], op.gamma),
          g.constant(`${op.name}_bias`, [c], op.beta),
          g.constant(`${op.name}_mean`, [c], op.mean),
          g.constant(`${op.name}_var`, [c], op.variance),
        ]
        x = g.node('BatchNormalization', inputs, op.name, { epsilon: { float: op.epsilon } })
        break
      }
      case 'flatten':
        toLayout('nhwc')
        x = g.node('Flatten', [x], op.name, { axis: 1 })
        rank = 2
        break
      case 'act':
        act(op.act, op.name)
        break
    }
  }
  toLayout('nhwc')
  // Name the last tensor as the graph output.
  x = g.node('Identity', [x], 'output', {}, outputName)

  const dims = (shape: (number | null)[]) =>
    shape.map((d, i) => (d == null || i === 0 ? { dimParam: 'batch' } : { dimValue: d }))
  const outShape = (model.outputs[0]?.shape ?? []) as (number | null)[]
  const tensorType = (shape: (number | null)[]) => ({
    tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims(shape) } },
  })
  const modelProto = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'effbench',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: inputName, type: tensorType(inShape as (number | null)[]) }],
      output: [{ name: outputName, type: tensorType(outShape) }],
    },
  })
  return onnx.ModelProto.encode(modelProto).finish()
}
