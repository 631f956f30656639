/**
 * The non-local block (Wang et al., CVPR 2018), embedded-Gaussian form, with inner width C′:
 *
 *   X [B,HW,C] -> θ, φ, g = 1x1 convs C -> C′ (with bias)
 *             -> F = softmax_row(θ φᵀ)       [B, HW, HW]: quadratic in HW
 *             -> Y = BN(W_z(F g)) + X        W_z: 1x1 C′ -> C; BN γ starts at 0 (identity block)
 *
 * No subsampling of φ and g (the optional 2x2 max-pool), so the cost is the full O((HW)²·C′).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { HeadBlock, HeadDef, HeadWidths } from '../../studies/segmentation/head.ts'
import {
  applyLinear,
  BatchNorm,
  linear,
  type ParamStore,
  toMap,
  toTokens,
} from '../../studies/segmentation/layers.ts'
import {
  onnxBatchNorm,
  onnxLinear,
  onnxMap,
  onnxTokens,
} from '../../studies/segmentation/onnx-head.ts'

export function buildNonLocal(
  store: ParamStore,
  { channels: C, inner: Cp }: HeadWidths,
): HeadBlock {
  const theta = linear(store, C, Cp, true)
  const phi = linear(store, C, Cp, true)
  const gLin = linear(store, C, Cp, true)
  const wz = linear(store, Cp, C, true)
  const bn = new BatchNorm(store, C, 0)
  return {
    apply(x, training) {
      const [, H, W] = x.shape
      const tokens = toTokens(x)
      const f = tf.softmax(
        tf.matMul(applyLinear(theta, tokens), applyLinear(phi, tokens), false, true),
      )
      const y = applyLinear(wz, tf.matMul(f, applyLinear(gLin, tokens)) as tf.Tensor3D)
      return tf.add(x, toMap(bn.apply(y, 2, training) as tf.Tensor3D, H, W))
    },
    toOnnx(g, x) {
      const tokens = onnxTokens(g, x)
      const logits = g.op('MatMul', [
        onnxLinear(g, theta, tokens),
        g.transpose(onnxLinear(g, phi, tokens), [0, 2, 1]),
      ]) // [B, HW, HW]
      const f = g.op('Softmax', [logits], { axis: -1 })
      const y = onnxLinear(g, wz, g.op('MatMul', [f, onnxLinear(g, gLin, tokens)]))
      return g.op('Add', [x, onnxMap(g, onnxBatchNorm(g, bn, y))])
    },
  }
}

export function nonLocalMacs({ channels: C, inner: Cp }: HeadWidths, h: number, w: number) {
  const hw = h * w
  // θ, φ, g: 3·C·C′ per pixel; θφᵀ and F·g: HW²·C′ each; W_z: C′·C per pixel.
  return 3 * C * Cp * hw + 2 * hw * hw * Cp + Cp * C * hw
}

export function nonLocalParams({ channels: C, inner: Cp }: HeadWidths): number {
  return 3 * (C * Cp + Cp) + Cp * C + C + 2 * C
}

export const nonLocalHead: HeadDef = {
  name: 'non-local',
  build: buildNonLocal,
  macs: nonLocalMacs,
  params: nonLocalParams,
}
