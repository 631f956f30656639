/**
 * The segmentation network every head is tested in:
 *
 *   image [B,S,S,1] -> conv3x3/2 (C/2) -> conv3x3/2 (C) -> conv3x3 (C) -> conv3x3 (C)   stride 4
 *                   -> context head (C -> C)
 *                   -> conv3x3 (C) -> conv1x1 (classes) -> bilinear x4 -> logits [B,S,S,K]
 *
 * Convs carry a bias and a ReLU (the classifier no ReLU). The backbone's receptive field is 23 px
 * (31 px with the conv after the head), below the 24-40 px digits, so that a digit's pixels must
 * agree through the head to be labelled alike.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { HeadBlock, HeadDef, HeadWidths } from './head.ts'
import type { ParamStore } from './layers.ts'

interface Conv {
  w: tf.Variable
  b: tf.Variable
  stride: number
}

function conv(store: ParamStore, k: number, cin: number, cout: number, stride: number): Conv {
  return {
    w: store.normal([k, k, cin, cout], k * k * cin),
    b: store.constant([cout], 0),
    stride,
  }
}

function applyConv(c: Conv, x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
  const y = tf.add(tf.conv2d(x, c.w as tf.Tensor4D, c.stride, 'same'), c.b) as tf.Tensor4D
  return relu ? tf.relu(y) : y
}

export interface SegmentationNet {
  head: HeadBlock
  /** Logits [B, S, S, classes]. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D
}

export function buildSegmentationNet(
  store: ParamStore,
  head: HeadDef,
  widths: HeadWidths,
  classes: number,
): SegmentationNet {
  const C = widths.channels
  const half = Math.max(1, C / 2)
  const backbone = [
    conv(store, 3, 1, half, 2),
    conv(store, 3, half, C, 2),
    conv(store, 3, C, C, 1),
    conv(store, 3, C, C, 1),
  ]
  const block = head.build(store, widths)
  const post = conv(store, 3, C, C, 1)
  const classifier = conv(store, 1, C, classes, 1)
  return {
    head: block,
    forward(x, training) {
      let h = x
      for (const c of backbone) h = applyConv(c, h, true)
      h = block.apply(h, training)
      h = applyConv(post, h, true)
      const logits = applyConv(classifier, h, false)
      return tf.image.resizeBilinear(logits, [x.shape[1], x.shape[2]])
    },
  }
}

/** Multiply-accumulates of the network without its head, per image of side `size`. */
export function backboneMacs(widths: HeadWidths, size: number, classes: number): number {
  const C = widths.channels
  const half = Math.max(1, C / 2)
  const s2 = (size / 2) ** 2
  const s4 = (size / 4) ** 2
  return s2 * 9 * half + s4 * 9 * half * C + 2 * s4 * 9 * C * C + s4 * 9 * C * C + s4 * C * classes
}

/** Parameters of the network without its head. */
export function backboneParams(widths: HeadWidths, classes: number): number {
  const C = widths.channels
  const half = Math.max(1, C / 2)
  return 9 * half + half + 9 * half * C + C + 3 * (9 * C * C + C) + C * classes + classes
}
