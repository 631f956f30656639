/**
 * The Squeeze Reasoning block (Li et al., TIP 2021), as the official `ChannelReasonModule`
 * computes it (brief §2.2), with C channels in and out, C′ = inner, N = nodes, d = C′/N:
 *
 *   X [B,HW,C] -> T, P, G = X·W_t, X·W_p, X·W_g          three bias-free 1x1 convs C -> C′
 *             -> v[c] = Σ_hw P[hw,c]·G[hw,c]              learned bilinear squeeze (no 1/HW)
 *             -> Z[n,k] = v[k·N + n]                       strided split into N nodes of d
 *             -> Z1 = ReLU(BN_N(A_g Z)) + Z                learnable adjacency over nodes
 *             -> Z2 = ReLU(BN_d(Z1 W_gᵀ))                  state update over features
 *             -> a[n·d + k] = Z2[n,k]                      row-major unsqueeze (another order)
 *             -> Y = GN_C′(W_z(a ⊙ T)) + X                 no sigmoid; W_z grouped C′ -> C
 *
 * Note: GN's C′ groups are exactly the C/C′ outputs of one W_z group, all scaled by the same
 * a_c ≥ 0, so GN divides the size of a_c out again: what survives is whether a_c is zero (the
 * group collapses to GN's β) and, for tiny features, the ε of GN. The block is kept as specified.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { HeadBlock, HeadDef, HeadWidths } from '../../studies/segmentation/head.ts'
import {
  applyLinear,
  BatchNorm,
  GroupNorm,
  linear,
  type ParamStore,
  toMap,
  toTokens,
} from '../../studies/segmentation/layers.ts'
import {
  onnxBatchNorm,
  onnxGroupNorm,
  onnxLinear,
  onnxMap,
  onnxTokens,
} from '../../studies/segmentation/onnx-head.ts'

function check({ channels, inner, nodes }: HeadWidths): void {
  if (inner % nodes !== 0)
    throw new RangeError(
      `Cannot build SR: inner width ${inner} is not a multiple of ${nodes} nodes`,
    )
  if (channels % inner !== 0)
    throw new RangeError(`Cannot build SR: ${channels} channels are not a multiple of ${inner}`)
}

/** The expansion of the grouped W_z: input channel c feeds outputs c·r .. c·r + r − 1. */
function groupExpansion(inner: number, channels: number): tf.Tensor2D {
  const r = channels / inner
  const e = new Float32Array(inner * channels)
  for (let o = 0; o < channels; o++) e[Math.floor(o / r) * channels + o] = 1
  return tf.tensor2d(e, [inner, channels])
}

/** The SR block, plus its channel weights a alone (for tests and inspection). */
export interface SqueezeReasoningBlock extends HeadBlock {
  reweighting(x: tf.Tensor4D, training: boolean): tf.Tensor2D
}

export function buildSqueezeReasoning(
  store: ParamStore,
  widths: HeadWidths,
): SqueezeReasoningBlock {
  check(widths)
  const { channels: C, inner: Cp, nodes: N } = widths
  const d = Cp / N
  const wt = linear(store, C, Cp, false)
  const wp = linear(store, C, Cp, false)
  const wg = linear(store, C, Cp, false)
  const adj = store.normal([N, N], N) // A_g[n, m]: Conv1d weight over the node axis
  const bnNodes = new BatchNorm(store, N)
  const state = store.normal([d, d], d) // W_g[j, k]: Conv1d weight over the feature axis
  const bnState = new BatchNorm(store, d)
  const wz = store.normal([C], 1) // one weight per output channel (groups = C′)
  const gn = new GroupNorm(store, C, Cp)
  const expand = groupExpansion(Cp, C)
  /** The squeeze and the graph reasoning: a [B, C′] (a ≥ 0) and T [B, HW, C′]. */
  const reason = (x: tf.Tensor4D, training: boolean) => {
    const [B] = x.shape
    const tokens = toTokens(x)
    const t = applyLinear(wt, tokens)
    const p = applyLinear(wp, tokens)
    const g = applyLinear(wg, tokens)
    const v = tf.sum(tf.mul(p, g), 1) // [B, C′]
    // Zᵀ[b, k, n] = v[b, k·N + n]: the strided split, held transposed ([B, d, N]).
    const zt = tf.reshape(v, [B, d, N])
    // (A_g Z)ᵀ = Zᵀ A_gᵀ; BN over the node channels (axis 2).
    const az = tf.reshape(tf.matMul(tf.reshape(zt, [B * d, N]), adj, false, true), [B, d, N])
    const z1t = tf.add(tf.relu(bnNodes.apply(az, 2, training)), zt)
    // Z1 W_gᵀ over the feature axis: [B, N, d], BN over the feature channels (axis 2).
    const z1 = tf.reshape(tf.transpose(z1t, [0, 2, 1]), [B * N, d])
    const upd = tf.reshape(tf.matMul(z1, state, false, true), [B, N, d])
    const z2 = tf.relu(bnState.apply(upd, 2, training))
    return { a: tf.reshape(z2, [B, Cp]) as tf.Tensor2D, t } // a[n·d + k] = Z2[n, k]
  }
  return {
    reweighting: (x: tf.Tensor4D, training: boolean) => reason(x, training).a,
    apply(x, training) {
      const [B, H, W] = x.shape
      const { a, t } = reason(x, training)
      const reweighted = tf.mul(t, tf.reshape(a, [B, 1, Cp])) as tf.Tensor3D
      const projected = tf.mul(
        tf.reshape(tf.matMul(tf.reshape(reweighted, [B * H * W, Cp]), expand), [B, H * W, C]),
        wz,
      ) as tf.Tensor3D
      return tf.add(x, toMap(gn.apply(projected), H, W))
    },
    toOnnx(g, x) {
      const B = g.batch
      const HW = g.h * g.w
      const tokens = onnxTokens(g, x)
      const t = onnxLinear(g, wt, tokens)
      const pg = g.op('Mul', [onnxLinear(g, wp, tokens), onnxLinear(g, wg, tokens)])
      const v = g.op('ReduceSum', [pg, g.ints([1], 'axes')], { keepdims: 0 }) // [B, C′]
      const zt = g.reshape(v, [B * d, N])
      const adjT = g.transpose(g.weight(adj, 'adj'), [1, 0])
      const az = g.reshape(g.op('MatMul', [zt, adjT]), [B, d, N])
      const z1t = g.op('Add', [
        g.op('Relu', [onnxBatchNorm(g, bnNodes, az)]),
        g.reshape(zt, [B, d, N]),
      ])
      const z1 = g.reshape(g.transpose(z1t, [0, 2, 1]), [B * N, d])
      const stateT = g.transpose(g.weight(state, 'state'), [1, 0])
      const upd = g.reshape(g.op('MatMul', [z1, stateT]), [B, N, d])
      const a = g.reshape(g.op('Relu', [onnxBatchNorm(g, bnState, upd)]), [B, 1, Cp])
      const reweighted = g.op('Mul', [t, a])
      const projected = g.op('Mul', [
        g.op('MatMul', [reweighted, g.weight(expand, 'expand')]),
        g.weight(wz, 'wz'),
      ])
      return g.op('Add', [x, onnxMap(g, onnxGroupNorm(g, gn, projected, HW))])
    },
  }
}

/** SR's analytic cost; the brief's table (C = 512, C′ = 256) is its known answer. */
export function srMacs({ channels: C, inner: Cp, nodes: N }: HeadWidths, h: number, w: number) {
  const d = Cp / N
  const hw = h * w
  // projections 3·C·C′, squeeze C′, re-weight C′, grouped W_z C per pixel; GCN N²d + Nd².
  return hw * (3 * C * Cp + 2 * Cp + C) + N * N * d + N * d * d
}

export function srParams({ channels: C, inner: Cp, nodes: N }: HeadWidths): number {
  const d = Cp / N
  return 3 * C * Cp + N * N + 2 * N + d * d + 2 * d + C + 2 * C
}

export const squeezeReasoningHead: HeadDef = {
  name: 'sr',
  build: buildSqueezeReasoning,
  macs: srMacs,
  params: srParams,
}
