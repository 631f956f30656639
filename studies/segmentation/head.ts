/**
 * The contract of a context head (the block between backbone and classifier): built once from a
 * ParamStore, applied to [B, H, W, C] features, same C in and out. Each head also states its
 * analytic cost (multiply-accumulates per image and parameter count), which the known-answer
 * tests compare with the brief's tables and with the variables the head actually creates.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ParamStore } from './layers.ts'
import type { OnnxHeadGraph } from './onnx-head.ts'

/** Widths shared by every head of a comparison. */
export interface HeadWidths {
  /** C: channels in and out of the head (the backbone's width). */
  channels: number
  /** C′: the inner width (SR and non-local projections, SE bottleneck; GloRe: S = C′/2, N = C′/4). */
  inner: number
  /** SR's node_num (C′ must be a multiple). */
  nodes: number
}

export interface HeadBlock {
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D
  /**
   * Writes the inference graph (`apply(x, false)`) into `g`, reading [B, H, W, C] from the value
   * `x`; returns the name of the [B, H, W, C] output. Weights are copied as they are now.
   */
  toOnnx(g: OnnxHeadGraph, x: string): string
}

export interface HeadDef {
  name: string
  build(store: ParamStore, widths: HeadWidths): HeadBlock
  /** Multiply-accumulates per image at an h x w feature map (norms and softmax not counted). */
  macs(widths: HeadWidths, h: number, w: number): number
  /** Trainable parameters. */
  params(widths: HeadWidths): number
}

/** No context: the FCN head. */
export const noHead: HeadDef = {
  name: 'none',
  build: () => ({ apply: (x) => x, toOnnx: (g, x) => g.op('Identity', [x]) }),
  macs: () => 0,
  params: () => 0,
}
