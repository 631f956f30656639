/**
 * Post-training quantization helpers (survey §3.1):
 *
 * - batch-norm folding: W'_c = W_c·γ_c/√(σ²_c + ε), b'_c = (b_c − μ_c)·γ_c/√(σ²_c + ε) + β_c;
 * - bias correction: b ← b + (W − W̃)ᵀ E[x] per output channel, E[x] from calibration inputs;
 * - cross-layer equalisation (DFQ): for consecutive layers joined by ReLU (and max pooling),
 *   channel i of the first is divided by s_i = √(r⁽¹⁾_i r⁽²⁾_i) / r⁽²⁾_i and the matching inputs
 *   of the second multiplied by it, so both per-channel ranges become √(r⁽¹⁾_i r⁽²⁾_i).
 *
 * Weights keep the tfjs layouts of qnet.ts: the output channel is the last axis.
 */
import type { QLayer, QNet, WeightedLayer } from './qnet.ts'

/** Folds a batch norm that follows a layer into that layer's weights and bias. */
export function foldBatchNorm(
  w: Float32Array,
  b: Float32Array,
  bn: {
    gamma: ArrayLike<number>
    beta: ArrayLike<number>
    mean: ArrayLike<number>
    variance: ArrayLike<number>
    epsilon: number
  },
): { w: Float32Array; b: Float32Array } {
  const channels = b.length
  const factor = Float64Array.from(
    { length: channels },
    (_, c) => (bn.gamma[c] as number) / Math.sqrt((bn.variance[c] as number) + bn.epsilon),
  )
  const wf = w.map((v, i) => v * (factor[i % channels] as number))
  const bf = b.map(
    (v, c) => (v - (bn.mean[c] as number)) * (factor[c] as number) + (bn.beta[c] as number),
  )
  return { w: wf, b: bf }
}

/** Input channel of weight element i (the axis the previous layer's outputs feed). */
function inputIndex(l: WeightedLayer, i: number): number {
  return l.kind === 'dense' ? Math.floor(i / l.units) : Math.floor(i / l.cout) % l.cin
}

/** Inputs per channel of a layer (dense: its fan-in; conv: cin). */
function inputCount(l: WeightedLayer): number {
  return l.kind === 'dense' ? l.fanIn : l.cin
}

/**
 * Bias correction: `b + Σ_in (W − W̃)[in, c] · E[x_in]`, where `meanInput` has one value per input
 * channel (dense: per feature; conv: per input channel, the same at every kernel position).
 */
export function biasCorrection(
  l: WeightedLayer,
  quantized: Float32Array,
  meanInput: ArrayLike<number>,
): Float32Array {
  const channels = l.b.length
  const out = Float32Array.from(l.b)
  for (let i = 0; i < l.w.length; i++) {
    const c = i % channels
    out[c] =
      (out[c] as number) +
      ((l.w[i] as number) - (quantized[i] as number)) * (meanInput[inputIndex(l, i)] as number)
  }
  return out
}

/** Mean of flat NHWC or [n, features] activations per channel (last axis of size `channels`). */
export function channelMeans(x: Float32Array, channels: number): Float64Array {
  const m = new Float64Array(channels)
  for (let i = 0; i < x.length; i++)
    m[i % channels] = (m[i % channels] as number) + (x[i] as number)
  const rows = x.length / channels
  return m.map((v) => v / rows)
}

/**
 * Cross-layer equalisation of every pair of consecutive weighted layers whose outputs feed the
 * next one's channels directly or through pooling/flattening (channel = flattened index mod C).
 * Returns a new net; `iterations` sweeps over the pairs.
 */
export function equalizeLayers(net: QNet, iterations = 2): QNet {
  const layers: QLayer[] = net.layers.map((l) =>
    l.kind === 'dense' || l.kind === 'conv'
      ? { ...l, w: Float32Array.from(l.w), b: Float32Array.from(l.b) }
      : l,
  )
  const weighted = layers.filter((l): l is WeightedLayer => l.kind === 'dense' || l.kind === 'conv')
  for (let it = 0; it < iterations; it++) {
    for (let p = 0; p + 1 < weighted.length; p++) {
      const a = weighted[p] as WeightedLayer
      const z = weighted[p + 1] as WeightedLayer
      if (!a.relu) continue
      const ca = a.b.length
      const r1 = new Float64Array(ca)
      for (let i = 0; i < a.w.length; i++)
        r1[i % ca] = Math.max(r1[i % ca] as number, Math.abs(a.w[i] as number))
      const r2 = new Float64Array(ca)
      const feeds = inputCount(z)
      if (feeds % ca !== 0) continue
      for (let i = 0; i < z.w.length; i++) {
        const c = inputIndex(z, i) % ca
        r2[c] = Math.max(r2[c] as number, Math.abs(z.w[i] as number))
      }
      const s = r1.map((v, c) => {
        const u = r2[c] as number
        return v > 0 && u > 0 ? Math.sqrt(v * u) / u : 1
      })
      for (let i = 0; i < a.w.length; i++) a.w[i] = (a.w[i] as number) / (s[i % ca] as number)
      for (let c = 0; c < ca; c++) a.b[c] = (a.b[c] as number) / (s[c] as number)
      for (let i = 0; i < z.w.length; i++)
        z.w[i] = (z.w[i] as number) * (s[inputIndex(z, i) % ca] as number)
    }
  }
  return { ...net, layers }
}
