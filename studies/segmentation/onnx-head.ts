/**
 * ONNX graphs of the context heads, so that the same head (same weights) can be timed on
 * onnxruntime-node next to tfjs. Each head writes its own inference graph through `OnnxHeadGraph`
 * (HeadBlock.toOnnx), op for op as its tfjs `apply(x, false)` computes it:
 *
 *   input `x` [B, H, W, C] (NHWC, as tfjs)  ->  head.toOnnx(graph, 'x')  ->  output `y` [B, H, W, C]
 *
 * Shapes are fixed at export (batch, H, W): one graph per feature-map size. Batch norms export
 * their inference form folded into one scale and one shift per channel; group norm is written out
 * (ReduceMean, Sub, Mul, Sqrt, Div). Weights are copied from the tfjs variables at export time.
 */
import type * as tf from '@tensorflow/tfjs-core'
import onnxProto from 'onnx-proto'
import {
  OnnxType,
  onnxModel,
  onnxTensor,
  onnxValueInfo,
} from '../../harness/backends/onnx-graph.ts'
import type { BatchNorm, GroupNorm, Linear } from './layers.ts'

const { onnx } = onnxProto
const Attr = onnx.AttributeProto.AttributeType

/** Opset of the head graphs (ReduceSum takes its axes as an input from 13; ReduceMean until 18 as an attribute). */
export const HEAD_OPSET = 17

/** An attribute value: an int, a list of ints, or a float (`{ float: x }`). */
type AttrValue = number | number[] | { float: number }

/** Builds one head's ONNX graph: named values, float and int64 initializers, plain nodes. */
export class OnnxHeadGraph {
  readonly batch: number
  readonly h: number
  readonly w: number
  readonly channels: number
  private readonly nodes: onnxProto.onnx.INodeProto[] = []
  private readonly inits: onnxProto.onnx.ITensorProto[] = []
  private count = 0

  constructor(dims: { batch: number; h: number; w: number; channels: number }) {
    this.batch = dims.batch
    this.h = dims.h
    this.w = dims.w
    this.channels = dims.channels
  }

  private fresh(hint: string): string {
    this.count++
    return `${hint}_${this.count}`
  }

  /** A float32 initializer. */
  constant(values: Float32Array | readonly number[], dims: number[], hint = 'c'): string {
    const name = this.fresh(hint)
    const data = values instanceof Float32Array ? values : Float32Array.from(values)
    this.inits.push(onnxTensor(name, dims, data))
    return name
  }

  /** A float32 initializer holding a copy of a tfjs tensor (a weight), same shape. */
  weight(t: tf.Tensor, hint = 'w'): string {
    return this.constant(Float32Array.from(t.dataSync() as Float32Array), t.shape, hint)
  }

  /** A 1-D int64 initializer (shapes, axes). */
  ints(values: readonly number[], hint = 'i'): string {
    const name = this.fresh(hint)
    this.inits.push(
      onnxTensor(name, [values.length], BigInt64Array.from(values.map(BigInt)), OnnxType.INT64),
    )
    return name
  }

  /** One node with one output; returns the output's name. */
  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    const output = this.fresh(type.toLowerCase())
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: Attr.INTS, ints: v }
      if (typeof v === 'number') return { name, type: Attr.INT, i: v }
      return { name, type: Attr.FLOAT, f: v.float }
    })
    this.nodes.push(
      onnx.NodeProto.create({
        opType: type,
        input: inputs,
        output: [output],
        name: output,
        attribute,
      }),
    )
    return output
  }

  reshape(x: string, dims: number[]): string {
    return this.op('Reshape', [x, this.ints(dims, 'shape')])
  }

  transpose(x: string, perm: number[]): string {
    return this.op('Transpose', [x], { perm })
  }

  /** Encodes the graph with input `x` [B, H, W, C] and `output` renamed to `y`. */
  model(output: string): Uint8Array {
    const dims = [this.batch, this.h, this.w, this.channels]
    this.nodes.push(
      onnx.NodeProto.create({ opType: 'Identity', input: [output], output: ['y'], name: 'out' }),
    )
    return onnxModel(
      {
        name: 'head',
        node: this.nodes,
        initializer: this.inits,
        input: [onnxValueInfo('x', dims)],
        output: [onnxValueInfo('y', dims)],
      },
      HEAD_OPSET,
    )
  }
}

/** [B, H, W, C] -> [B, HW, C], as `toTokens`. */
export function onnxTokens(g: OnnxHeadGraph, x: string): string {
  return g.reshape(x, [g.batch, g.h * g.w, g.channels])
}

/** [B, HW, C] -> [B, H, W, C], as `toMap`. */
export function onnxMap(g: OnnxHeadGraph, x: string, channels = g.channels): string {
  return g.reshape(x, [g.batch, g.h, g.w, channels])
}

/** A 1x1 convolution over the last axis of `x`: MatMul (+ Add bias), as `applyLinear`. */
export function onnxLinear(g: OnnxHeadGraph, l: Linear, x: string): string {
  const y = g.op('MatMul', [x, g.weight(l.w)])
  return l.b ? g.op('Add', [y, g.weight(l.b, 'b')]) : y
}

/** Inference batch norm over the last axis: x·s + t with s = γ/√(σ² + ε), t = β − μ·s. */
export function onnxBatchNorm(g: OnnxHeadGraph, bn: BatchNorm, x: string): string {
  const { scale, shift } = bn.inferenceAffine()
  return g.op('Add', [
    g.op('Mul', [x, g.constant(scale, [scale.length], 'bn_scale')]),
    g.constant(shift, [shift.length], 'bn_shift'),
  ])
}

/**
 * Group norm of [B, L, C] features, as `GroupNorm.apply`, written as ONNX exporters write it:
 * InstanceNormalization over [B, G, L·C/G] (unit scale, zero bias), then the per-channel affine.
 * Features are channels-last here, so a Transpose brings each group's values together first and
 * another puts them back (ORT's broadcasting Sub/Div over a middle axis are several times slower).
 */
export function onnxGroupNorm(g: OnnxHeadGraph, gn: GroupNorm, x: string, length: number): string {
  const c = gn.gamma.shape[0] as number
  const G = gn.groups
  const grouped = g.transpose(g.reshape(x, [g.batch, length, G, c / G]), [0, 2, 1, 3])
  const normed = g.op(
    'InstanceNormalization',
    [
      g.reshape(grouped, [g.batch, G, length * (c / G)]),
      g.constant(new Float32Array(G).fill(1), [G], 'ones'),
      g.constant(new Float32Array(G), [G], 'zeros'),
    ],
    { epsilon: { float: gn.epsilon } },
  )
  const back = g.transpose(g.reshape(normed, [g.batch, G, length, c / G]), [0, 2, 1, 3])
  const flat = g.reshape(back, [g.batch, length, c])
  return g.op('Add', [g.op('Mul', [flat, g.weight(gn.gamma, 'gamma')]), g.weight(gn.beta, 'beta')])
}

/** The ONNX bytes of a built head at a fixed [batch, h, w, C] input. */
export function exportHeadOnnx(
  head: { toOnnx(g: OnnxHeadGraph, x: string): string },
  dims: { batch: number; h: number; w: number; channels: number },
): Uint8Array {
  const g = new OnnxHeadGraph(dims)
  return g.model(head.toOnnx(g, 'x'))
}
