/**
 * Squeeze-and-Excitation (Hu et al., CVPR 2018) as a context head: global average pool, FC C -> C′,
 * ReLU, FC C′ -> C, sigmoid, channel re-weighting. Channel attention without graph reasoning:
 * the ablation of SR that the brief asks for.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { HeadBlock, HeadDef, HeadWidths } from '../../studies/segmentation/head.ts'
import { linear, type ParamStore } from '../../studies/segmentation/layers.ts'
import { onnxLinear } from '../../studies/segmentation/onnx-head.ts'

export function buildSe(store: ParamStore, { channels: C, inner: Cp }: HeadWidths): HeadBlock {
  const fc1 = linear(store, C, Cp, true)
  const fc2 = linear(store, Cp, C, true)
  return {
    apply(x) {
      const [B] = x.shape
      const pooled = tf.mean(x, [1, 2]) // [B, C]
      const hidden = tf.relu(tf.add(tf.matMul(pooled, fc1.w), fc1.b as tf.Tensor))
      const gate = tf.sigmoid(tf.add(tf.matMul(hidden, fc2.w), fc2.b as tf.Tensor))
      return tf.mul(x, tf.reshape(gate, [B, 1, 1, fc2.w.shape[1] as number]))
    },
    toOnnx(g, x) {
      const pooled = g.op('ReduceMean', [x], { axes: [1, 2], keepdims: 0 }) // [B, C]
      const hidden = g.op('Relu', [onnxLinear(g, fc1, pooled)])
      const gate = g.op('Sigmoid', [onnxLinear(g, fc2, hidden)])
      return g.op('Mul', [x, g.reshape(gate, [g.batch, 1, 1, g.channels])])
    },
  }
}

export function seMacs({ channels: C, inner: Cp }: HeadWidths, h: number, w: number) {
  // pooling and scaling: C per pixel each; two FCs: 2·C·C′.
  return 2 * h * w * C + 2 * C * Cp
}

export function seParams({ channels: C, inner: Cp }: HeadWidths): number {
  return C * Cp + Cp + Cp * C + C
}

export const seHead: HeadDef = { name: 'se', build: buildSe, macs: seMacs, params: seParams }
