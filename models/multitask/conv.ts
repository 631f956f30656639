/**
 * Same-padding k×k convolution (stride 1) and 2×2 max-pool kernels of the multitask nets, on NCHW
 * Float32Array batches, by im2col and the row-major weight matrix of a layer (`w[i * C + j]`, row
 * i = (input channel, ky, kx)). Buffers are allocated once per call, never per element.
 *
 *   forward:  per example: im2col [H·W × K] ─ cols·W + b [H·W × C] ─ transpose to [C × H·W]
 *   backward: per example: im2col again ─ ∂W += colsᵀ·∂pre, ∂b += Σ ∂pre ─ ∂cols = ∂pre·Wᵀ
 *             ─ col2im into ∂input (positions whose ∂pre is all zero are skipped)
 */
import { type ConvShape, type DenseLayer, readRuns } from './net.ts'

/** Patch columns of one example: `cols[pos * K + (c·k + ky)·k + kx]`, zero outside the image. */
export function im2col(
  x: Float32Array,
  offset: number,
  shape: ConvShape,
  cols: Float32Array,
  channels: ArrayLike<number> | undefined = undefined,
): void {
  const { kernel: k, height: H, width: W } = shape
  const chans = channels ?? shape.inChannels
  const nc = typeof chans === 'number' ? chans : chans.length
  const pad = k >> 1
  const K = nc * k * k
  const plane = H * W
  for (let y = 0; y < H; y++)
    for (let xx = 0; xx < W; xx++) {
      const base = (y * W + xx) * K
      for (let a = 0; a < nc; a++) {
        const c = typeof chans === 'number' ? a : chans[a]!
        const src = offset + c * plane
        for (let ky = 0; ky < k; ky++) {
          const iy = y + ky - pad
          const row = base + (a * k + ky) * k
          if (iy < 0 || iy >= H) {
            for (let kx = 0; kx < k; kx++) cols[row + kx] = 0
            continue
          }
          for (let kx = 0; kx < k; kx++) {
            const ix = xx + kx - pad
            cols[row + kx] = ix >= 0 && ix < W ? x[src + iy * W + ix]! : 0
          }
        }
      }
    }
}

/** Adds patch-column gradients back into the image gradient (the adjoint of `im2col`). */
function col2im(dCols: Float32Array, dx: Float32Array, offset: number, shape: ConvShape): void {
  const { kernel: k, height: H, width: W, inChannels: nc } = shape
  const pad = k >> 1
  const K = nc * k * k
  const plane = H * W
  for (let y = 0; y < H; y++)
    for (let xx = 0; xx < W; xx++) {
      const base = (y * W + xx) * K
      for (let c = 0; c < nc; c++)
        for (let ky = 0; ky < k; ky++) {
          const iy = y + ky - pad
          if (iy < 0 || iy >= H) continue
          const row = base + (c * k + ky) * k
          const dst = offset + c * plane + iy * W
          for (let kx = 0; kx < k; kx++) {
            const ix = xx + kx - pad
            if (ix >= 0 && ix < W) dx[dst + ix]! += dCols[row + kx]!
          }
        }
    }
}

/**
 * `out[P × C]` (row-major) = cols·w + b for `P` rows of `K` values, with w [K × C]; zero
 * inputs are skipped (ReLU outputs and padding), and with `runs` (per input channel, the output
 * runs its `rpi` rows may reach; see `readRuns`) so are the masked blocks.
 */
export function patchMatmul(
  cols: Float32Array,
  P: number,
  K: number,
  w: Float32Array,
  b: Float32Array,
  C: number,
  out: Float32Array,
  runs?: readonly Int32Array[],
  rpi = 1,
): void {
  const all = Int32Array.from([0, C])
  for (let pos = 0; pos < P; pos++) {
    const o = pos * C
    for (let j = 0; j < C; j++) out[o + j] = b[j]!
    const cb = pos * K
    for (let i = 0; i < K; i++) {
      const v = cols[cb + i]!
      if (v === 0) continue
      const wr = i * C
      const run = runs ? runs[(i / rpi) | 0]! : all
      for (let p = 0; p < run.length; p += 2)
        for (let j = run[p]!, end = run[p + 1]!; j < end; j++) out[o + j]! += v * w[wr + j]!
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
  const cols = new Float32Array(P * K)
  const tmp = new Float32Array(P * C)
  const out = new Float32Array(rows * C * P)
  const runs = readRuns(layer)
  for (let r = 0; r < rows; r++) {
    im2col(x, r * inStride, shape, cols)
    patchMatmul(cols, P, K, layer.w, layer.b, C, tmp, runs, layer.rowsPerInput)
    const o = r * C * P
    for (let pos = 0; pos < P; pos++)
      for (let j = 0; j < C; j++) out[o + j * P + pos] = tmp[pos * C + j]!
  }
  return out
}

/**
 * Weight and bias gradients of a conv layer from the pre-activation gradient `dPre`
 * [rows × C × H·W]; adds the input gradient into `dIn` when given.
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
  const w = layer.w
  const inStride = shape.inChannels * P
  const gw = new Float32Array(w.length)
  const gb = new Float32Array(C)
  const cols = new Float32Array(P * K)
  const dT = new Float32Array(P * C)
  const dCols = new Float32Array(P * K)
  const runs = readRuns(layer)
  const rpi = layer.rowsPerInput
  for (let r = 0; r < rows; r++) {
    const o = r * C * P
    for (let j = 0; j < C; j++)
      for (let pos = 0; pos < P; pos++) dT[pos * C + j] = dPre[o + j * P + pos]!
    im2col(input, r * inStride, shape, cols)
    if (dIn) dCols.fill(0)
    for (let pos = 0; pos < P; pos++) {
      const d = pos * C
      let any = false
      for (let j = 0; j < C; j++)
        if (dT[d + j] !== 0) {
          any = true
          gb[j]! += dT[d + j]!
        }
      if (!any) continue
      const cb = pos * K
      for (let i = 0; i < K; i++) {
        const v = cols[cb + i]!
        const wr = i * C
        const run = runs[(i / rpi) | 0]!
        if (v !== 0)
          for (let p = 0; p < run.length; p += 2)
            for (let j = run[p]!, end = run[p + 1]!; j < end; j++) gw[wr + j]! += v * dT[d + j]!
        if (dIn) {
          let s = 0
          for (let p = 0; p < run.length; p += 2)
            for (let j = run[p]!, end = run[p + 1]!; j < end; j++) s += w[wr + j]! * dT[d + j]!
          dCols[cb + i] = s
        }
      }
    }
    if (dIn) col2im(dCols, dIn, r * inStride, shape)
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
