/**
 * The Global Reasoning unit (GloRe, Chen et al., CVPR 2019) with S = C′/2 states and N = C′/4
 * nodes (the brief's N = 64, S = 128 at C′ = 256):
 *
 *   X [B,HW,C] -> Xs = 1x1 C -> S, B = 1x1 C -> N (with bias)
 *             -> V = Xsᵀ B                    [B, S, N]: projection to the node space
 *             -> H = ReLU(V A_gᵀ + b + V)     adjacency over nodes (Conv1d with bias)
 *             -> H2 = W_s H                   state update (Conv1d, no bias)
 *             -> Y = BN(W_e (B H2ᵀ)) + X      reverse projection, 1x1 S -> C (no bias)
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

/** GloRe's state and node counts at inner width C′. */
export function gloreSizes(inner: number): { states: number; nodes: number } {
  return { states: Math.max(1, inner / 2), nodes: Math.max(1, inner / 4) }
}

export function buildGlore(store: ParamStore, { channels: C, inner }: HeadWidths): HeadBlock {
  const { states: S, nodes: N } = gloreSizes(inner)
  const toState = linear(store, C, S, true)
  const toNodes = linear(store, C, N, true)
  const adj = store.normal([N, N], N)
  const adjBias = store.constant([N], 0)
  const update = store.normal([S, S], S)
  const extend = linear(store, S, C, false)
  const bn = new BatchNorm(store, C)
  return {
    apply(x, training) {
      const [B, H, W] = x.shape
      const tokens = toTokens(x)
      const xs = applyLinear(toState, tokens) // [B, HW, S]
      const proj = applyLinear(toNodes, tokens) // [B, HW, N]
      const v = tf.matMul(xs, proj, true, false) // [B, S, N]
      const av = tf.add(
        tf.reshape(tf.matMul(tf.reshape(v, [B * S, N]), adj, false, true), [B, S, N]),
        adjBias,
      )
      const h = tf.relu(tf.add(av, v))
      const h2 = tf.matMul(tf.tile(tf.expandDims(update, 0), [B, 1, 1]), h) // [B, S, N]
      const back = tf.matMul(proj, h2, false, true) as tf.Tensor3D // [B, HW, S]
      const y = bn.apply(applyLinear(extend, back), 2, training) as tf.Tensor3D
      return tf.add(x, toMap(y, H, W))
    },
    toOnnx(g, x) {
      const tokens = onnxTokens(g, x)
      const xs = onnxLinear(g, toState, tokens) // [B, HW, S]
      const proj = onnxLinear(g, toNodes, tokens) // [B, HW, N]
      const v = g.op('MatMul', [g.transpose(xs, [0, 2, 1]), proj]) // [B, S, N]
      const adjT = g.transpose(g.weight(adj, 'adj'), [1, 0])
      const av = g.op('Add', [g.op('MatMul', [v, adjT]), g.weight(adjBias, 'adj_b')])
      const h = g.op('Relu', [g.op('Add', [av, v])])
      const h2 = g.op('MatMul', [g.weight(update, 'update'), h]) // [B, S, N]
      const back = g.op('MatMul', [proj, g.transpose(h2, [0, 2, 1])]) // [B, HW, S]
      const y = onnxBatchNorm(g, bn, onnxLinear(g, extend, back))
      return g.op('Add', [x, onnxMap(g, y)])
    },
  }
}

export function gloreMacs({ channels: C, inner }: HeadWidths, h: number, w: number) {
  const { states: S, nodes: N } = gloreSizes(inner)
  // per pixel: C·S + C·N (projections), 2·S·N (to and from nodes), S·C (extend); GCN N²S + S²N.
  return h * w * (C * S + C * N + 2 * S * N + S * C) + N * N * S + S * S * N
}

export function gloreParams({ channels: C, inner }: HeadWidths): number {
  const { states: S, nodes: N } = gloreSizes(inner)
  return C * S + S + C * N + N + N * N + N + S * S + S * C + 2 * C
}

export const gloreHead: HeadDef = {
  name: 'glore',
  build: buildGlore,
  macs: gloreMacs,
  params: gloreParams,
}
