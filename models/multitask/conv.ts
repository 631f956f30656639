/**
 * Same-padding k×k convolution (stride 1) and 2×2 max-pool kernels of the multitask nets, on NCHW
 * Float32Array batches, by im2col and the row-major weight matrix of a layer (`w[i * C + j]`, row
 * i = (input channel, ky, kx)). The patch matrix is kept transposed, [K × H·W], so every inner
 * loop runs over the H·W positions of a plane; zero weights (masked blocks of a merged net,
 * deleted channels) are skipped. Buffers are allocated once per call, never per element.
 *
 *   forward:  per example: im2colᵀ [K × H·W] ─ pre[j] = b_j + Σ_i w_ij·cols[i]   (planes [C × H·W])
 *   backward: per example: im2colᵀ again ─ ∂w_ij = Σ_pos cols[i]·∂pre[j] (allowed weights only),
 *             ∂b_j = Σ ∂pre[j], ∂cols[i] = Σ_j w_ij·∂pre[j] ─ col2im into ∂input
 */
import type { ConvShape, DenseLayer } from './net.ts'

/**
 * Transposed patch matrix of one example: `cols[i * H·W + pos]`, i = (a·k + ky)·k + kx for the
 * a-th read channel (`channels`, default all), zero outside the image.
 */
export function im2colT(
  x: Float32Array,
  offset: number,
  shape: ConvShape,
  cols: Float32Array,
  channels?: ArrayLike<number>,
): void {
  const { kernel: k, height: H, width: W } = shape
  const nc = channels ? channels.length : shape.inChannels
  const pad = k >> 1
  const P = H * W
  for (let a = 0; a < nc; a++) {
    const src = offset + (channels ? channels[a]! : a) * P
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++) {
        const base = ((a * k + ky) * k + kx) * P
        const dy = ky - pad
        const dx = kx - pad
        for (let y = 0; y < H; y++) {
          const iy = y + dy
          const row = base + y * W
          if (iy < 0 || iy >= H) {
            cols.fill(0, row, row + W)
            continue
          }
          const s = src + iy * W
          for (let xx = 0; xx < W; xx++) {
            const ix = xx + dx
            cols[row + xx] = ix >= 0 && ix < W ? x[s + ix]! : 0
          }
        }
      }
  }
}

/** Adds transposed patch-matrix gradients back into the image gradient (adjoint of `im2colT`). */
function col2imT(dCols: Float32Array, dx: Float32Array, offset: number, shape: ConvShape): void {
  const { kernel: k, height: H, width: W, inChannels: nc } = shape
  const pad = k >> 1
  const P = H * W
  for (let c = 0; c < nc; c++) {
    const dst = offset + c * P
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++) {
        const base = ((c * k + ky) * k + kx) * P
        const dy = ky - pad
        const ddx = kx - pad
        const x0 = Math.max(0, -ddx)
        const x1 = Math.min(W, W - ddx)
        for (let y = 0; y < H; y++) {
          const iy = y + dy
          if (iy < 0 || iy >= H) continue
          const row = base + y * W
          const d = dst + iy * W + ddx
          for (let xx = x0; xx < x1; xx++) dx[d + xx]! += dCols[row + xx]!
        }
      }
  }
}

/** Patch rows of one example in row-major [H·W × K] order (the samples of MTZ's Hessian). */
export function im2col(x: Float32Array, offset: number, shape: ConvShape, out: Float32Array): void {
  const P = shape.height * shape.width
  const K = shape.inChannels * shape.kernel * shape.kernel
  const cols = new Float32Array(K * P)
  im2colT(x, offset, shape, cols)
  for (let i = 0; i < K; i++)
    for (let pos = 0; pos < P; pos++) out[pos * K + i] = cols[i * P + pos]!
}

/**
 * Output planes `out[outOff + j·P + pos]` = b_j + Σ_i w[i·C + j]·cols[i·P + pos] for the C
 * outputs of w [K × C]; zero weights are skipped.
 */
export function convPlanes(
  cols: Float32Array,
  K: number,
  P: number,
  w: Float32Array,
  b: Float32Array,
  C: number,
  out: Float32Array,
  outOff: number,
): void {
  for (let j = 0; j < C; j++) {
    const o = outOff + j * P
    out.fill(b[j]!, o, o + P)
    for (let i = 0; i < K; i++) {
      const wv = w[i * C + j]!
      if (wv === 0) continue
      const cb = i * P
      for (let pos = 0; pos < P; pos++) out[o + pos]! += wv * cols[cb + pos]!
    }
  }
}

/** Pre-activations [rows × C × H·W] of a conv layer on `rows` NCHW inputs. */
export function convForward(
  layer: DenseLayer,
  shape: ConvShape,
  x: Float32Array,
  rows: number,
): Float32Array {
  const C = layer.outSize
  const P = shape.height * shape.width
  const K = layer.inSize
  const inStride = shape.inChannels * P
  const cols = new Float32Array(K * P)
  const out = new Float32Array(rows * C * P)
  for (let r = 0; r < rows; r++) {
    im2colT(x, r * inStride, shape, cols)
    convPlanes(cols, K, P, layer.w, layer.b, C, out, r * C * P)
  }
  return out
}

/**
 * Weight and bias gradients of a conv layer from the pre-activation gradient `dPre`
 * [rows × C × H·W] (gradients of masked weights stay zero); adds the input gradient into `dIn`
 * when given.
 */
export function convBackward(
  layer: DenseLayer,
  shape: ConvShape,
  input: Float32Array,
  dPre: Float32Array,
  rows: number,
  dIn: Float32Array | undefined,
): { w: Float32Array; b: Float32Array } {
  const C = layer.outSize
  const P = shape.height * shape.width
  const K = layer.inSize
  const { w, mask } = layer
  const inStride = shape.inChannels * P
  const gw = new Float32Array(w.length)
  const gb = new Float32Array(C)
  const cols = new Float32Array(K * P)
  const dCols = new Float32Array(K * P)
  const live = new Uint8Array(C)
  for (let r = 0; r < rows; r++) {
    const o = r * C * P
    let any = false
    for (let j = 0; j < C; j++) {
      let s = 0
      let nz = 0
      for (let pos = 0; pos < P; pos++) {
        const v = dPre[o + j * P + pos]!
        s += v
        if (v !== 0) nz = 1
      }
      gb[j]! += s
      live[j] = nz
      if (nz) any = true
    }
    if (!any) continue
    im2colT(input, r * inStride, shape, cols)
    for (let i = 0; i < K; i++) {
      const cb = i * P
      for (let j = 0; j < C; j++) {
        if (!live[j] || mask[i * C + j] === 0) continue
        const d = o + j * P
        let s = 0
        for (let pos = 0; pos < P; pos++) s += cols[cb + pos]! * dPre[d + pos]!
        gw[i * C + j]! += s
      }
    }
    if (!dIn) continue
    dCols.fill(0)
    for (let i = 0; i < K; i++) {
      const cb = i * P
      for (let j = 0; j < C; j++) {
        const wv = w[i * C + j]!
        if (wv === 0 || !live[j]) continue
        const d = o + j * P
        for (let pos = 0; pos < P; pos++) dCols[cb + pos]! += wv * dPre[d + pos]!
      }
    }
    col2imT(dCols, dIn, r * inStride, shape)
  }
  return { w: gw, b: gb }
}

/**
 * 2×2 max-pool (stride 2, odd edges dropped) of [rows·C planes of H×W]; returns the pooled maps
 * and, per pooled value, the index of its maximum in `x` (for the backward pass).
 */
export function maxPool2(
  x: Float32Array,
  planes: number,
  H: number,
  W: number,
): { out: Float32Array; argmax: Int32Array } {
  const oh = Math.floor(H / 2)
  const ow = Math.floor(W / 2)
  const out = new Float32Array(planes * oh * ow)
  const argmax = new Int32Array(out.length)
  for (let p = 0; p < planes; p++) {
    const src = p * H * W
    const dst = p * oh * ow
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        const k0 = src + 2 * y * W + 2 * xx
        let best = k0
        if (x[k0 + 1]! > x[best]!) best = k0 + 1
        if (x[k0 + W]! > x[best]!) best = k0 + W
        if (x[k0 + W + 1]! > x[best]!) best = k0 + W + 1
        out[dst + y * ow + xx] = x[best]!
        argmax[dst + y * ow + xx] = best
      }
  }
  return { out, argmax }
}

/** Routes pooled gradients to the maxima: returns ∂x of size `size`. */
export function maxPool2Backward(
  dOut: Float32Array,
  argmax: Int32Array,
  size: number,
): Float32Array {
  const dx = new Float32Array(size)
  for (let k = 0; k < dOut.length; k++) dx[argmax[k]!]! += dOut[k]!
  return dx
}
