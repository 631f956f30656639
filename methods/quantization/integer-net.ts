/**
 * Integer-only inference in typed arrays (Jacob et al. 2018, with dyadic multipliers):
 *
 *   x (float) --quantize once--> uint8 codes
 *   per weighted layer:  acc_c = bias_c + Σ (q_x − Z_x)·q_w     int32, weights int8 symmetric
 *                        q_y  = requantize(acc_c, M_c = S_x·S_w,c / S_y)   ReLU = clamp at Z_y = 0
 *   max pooling on codes (monotone), flatten = reinterpretation (NHWC order)
 *   logits: uint8 codes, dequantized only at the very end
 *
 * Built from a fake-quantized network (ptq.ts) with uniform symmetric weights, ≤ 8-bit weights and
 * activations (stored in int8 / uint8 containers).
 */
import { type Dyadic, dyadicMultiplier, requantize } from './dyadic.ts'
import type { QuantizedNet } from './ptq.ts'
import { outChannels, type QLayer, weightedLayers } from './qnet.ts'
import { type QParams, quantizeValue } from './quantizer.ts'

export type IntLayer =
  | {
      kind: 'dense' | 'conv'
      name: string
      /** int8 codes, tfjs layout ([fanIn, out] or HWIO). */
      w: Int8Array
      /** int32 bias with scale S_in·S_w,c. */
      bias: Int32Array
      /** Per output channel (or one). */
      wScale: Float64Array
      multipliers: Dyadic[]
      input: QParams
      output: QParams
      fanIn: number
      out: number
      k: number
      cin: number
    }
  | { kind: 'maxpool'; name: string; size: number }
  | { kind: 'flatten'; name: string }

export interface IntNet {
  layers: IntLayer[]
  input: QParams
  output: QParams
  inputShape: number[]
}

/** Converts a fake-quantized net (uniform symmetric weights) into integer layers. */
export function toIntNet(q: QuantizedNet): IntNet {
  const weighted = weightedLayers(q.net)
  const layers: IntLayer[] = []
  let j = 0
  for (const l of q.net.layers as QLayer[]) {
    if (l.kind === 'maxpool' || l.kind === 'flatten') {
      layers.push(l)
      continue
    }
    const params = q.wParams[j]
    if (!params || params.length === 0)
      throw new TypeError(`Cannot run layer "${l.name}" in integers: its weights are not uniform`)
    if (params.some((p) => p.zeroPoint !== 0 || p.qMax > 127))
      throw new TypeError(
        `Cannot run layer "${l.name}" in integers: weights must be symmetric and ≤ 8 bits`,
      )
    const out = outChannels(l)
    const input = q.actParams[j] as QParams
    const output = q.actParams[j + 1] as QParams
    if (input.qMax > 255 || output.qMax > 255)
      throw new TypeError(`Cannot run layer "${l.name}" in integers: activations above 8 bits`)
    const ps = (c: number) => params[params.length === 1 ? 0 : c] as QParams
    const values = q.weights[j] as Float32Array
    const w = new Int8Array(values.length)
    for (let i = 0; i < values.length; i++)
      w[i] = Math.round((values[i] as number) / ps(i % out).scale)
    const biases = q.biases[j] as Float32Array
    const bias = Int32Array.from({ length: out }, (_, c) =>
      Math.round((biases[c] as number) / (input.scale * ps(c).scale)),
    )
    const wScale = Float64Array.from({ length: out }, (_, c) => ps(c).scale)
    const multipliers = Array.from({ length: out }, (_, c) =>
      dyadicMultiplier((input.scale * ps(c).scale) / output.scale),
    )
    layers.push({
      kind: l.kind,
      name: l.name,
      w,
      bias,
      wScale,
      multipliers,
      input,
      output,
      fanIn: values.length / out,
      out,
      k: l.kind === 'conv' ? l.k : 1,
      cin: l.kind === 'conv' ? l.cin : l.fanIn,
    })
    j++
  }
  if (j !== weighted.length) throw new Error('Cannot convert: layer count mismatch')
  return {
    layers,
    input: q.actParams[0] as QParams,
    output: q.actParams[weighted.length] as QParams,
    inputShape: q.net.inputShape,
  }
}

/** uint8 codes of float inputs with the network's input quantizer (round half to even). */
export function quantizeInput(net: IntNet, x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length)
  for (let i = 0; i < x.length; i++) out[i] = quantizeValue(x[i] as number, net.input)
  return out
}

function denseInt(
  l: Extract<IntLayer, { kind: 'dense' | 'conv' }>,
  x: Uint8Array,
  n: number,
): Uint8Array {
  const { fanIn, out, w } = l
  const zx = l.input.zeroPoint
  const y = new Uint8Array(n * out)
  const acc = new Float64Array(out)
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < out; c++) acc[c] = l.bias[c] as number
    for (let i = 0; i < fanIn; i++) {
      const xv = (x[r * fanIn + i] as number) - zx
      if (xv === 0) continue
      const row = i * out
      for (let c = 0; c < out; c++) acc[c] = (acc[c] as number) + xv * (w[row + c] as number)
    }
    for (let c = 0; c < out; c++)
      y[r * out + c] = requantize(
        acc[c] as number,
        l.multipliers[c] as Dyadic,
        l.output.zeroPoint,
        l.output.qMin,
        l.output.qMax,
      )
  }
  return y
}

function convInt(
  l: Extract<IntLayer, { kind: 'dense' | 'conv' }>,
  x: Uint8Array,
  n: number,
  h: number,
  wd: number,
): Uint8Array {
  const { k, cin, out, w } = l
  const zx = l.input.zeroPoint
  const pad = Math.floor((k - 1) / 2)
  const y = new Uint8Array(n * h * wd * out)
  const acc = new Float64Array(out)
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < wd; ox++) {
        for (let c = 0; c < out; c++) acc[c] = l.bias[c] as number
        for (let dy = 0; dy < k; dy++) {
          const iy = oy + dy - pad
          if (iy < 0 || iy >= h) continue // padding holds Z_x, which contributes (Z_x − Z_x)·w = 0
          for (let dx = 0; dx < k; dx++) {
            const ix = ox + dx - pad
            if (ix < 0 || ix >= wd) continue
            const src = ((img * h + iy) * wd + ix) * cin
            const wrow = (dy * k + dx) * cin
            for (let ci = 0; ci < cin; ci++) {
              const xv = (x[src + ci] as number) - zx
              if (xv === 0) continue
              const base = (wrow + ci) * out
              for (let c = 0; c < out; c++)
                acc[c] = (acc[c] as number) + xv * (w[base + c] as number)
            }
          }
        }
        const dst = ((img * h + oy) * wd + ox) * out
        for (let c = 0; c < out; c++)
          y[dst + c] = requantize(
            acc[c] as number,
            l.multipliers[c] as Dyadic,
            l.output.zeroPoint,
            l.output.qMin,
            l.output.qMax,
          )
      }
    }
  }
  return y
}

function maxPoolInt(
  x: Uint8Array,
  n: number,
  h: number,
  w: number,
  c: number,
  s: number,
): Uint8Array {
  const oh = Math.floor(h / s)
  const ow = Math.floor(w / s)
  const y = new Uint8Array(n * oh * ow * c)
  for (let img = 0; img < n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let m = 0
          for (let dy = 0; dy < s; dy++)
            for (let dx = 0; dx < s; dx++)
              m = Math.max(m, x[((img * h + oy * s + dy) * w + ox * s + dx) * c + ch] as number)
          y[((img * oh + oy) * ow + ox) * c + ch] = m
        }
  return y
}

/** Logit codes (uint8, [n, classes]) of the integer network for input codes `x` (n rows). */
export function runIntNet(net: IntNet, x: Uint8Array, n: number): Uint8Array {
  let h = x
  let shape = [...net.inputShape]
  for (const l of net.layers) {
    if (l.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)]
    } else if (l.kind === 'maxpool') {
      const [hh = 1, ww = 1, c = 1] = shape
      h = maxPoolInt(h, n, hh, ww, c, l.size)
      shape = [Math.floor(hh / l.size), Math.floor(ww / l.size), c]
    } else if (l.kind === 'dense') {
      h = denseInt(l, h, n)
      shape = [l.out]
    } else {
      const [hh = 1, ww = 1] = shape
      h = convInt(l, h, n, hh, ww)
      shape = [hh, ww, l.out]
    }
  }
  return h
}

/** Dequantized logits from codes. */
export function dequantizeCodes(codes: Uint8Array, p: QParams): Float32Array {
  return Float32Array.from(codes, (q) => p.scale * (q - p.zeroPoint))
}
