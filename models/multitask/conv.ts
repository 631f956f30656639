/**
 * Same-padding k×k convolution (stride 1) and 2×2 max-pool kernels of the multitask nets, on NCHW
 * Float32Array batches, by im2col and the row-major weight matrix of a layer (`w[i * C + j]`, row
 * i = (input channel, ky, kx)). The patch matrix is kept transposed, [K × H·W], so every inner
 * loop runs over the H·W positions of a plane; zero weights (masked blocks of a merged net,
 * deleted channels) are skipped. Buffers are allocated once per call, never per element.
 *
 * The training kernels (convForward, convBackward) work per output position instead: a tile of
 * four patches against the transposed weights (dot products over each channel's allowed rows),
 * and a backward pass that visits only the (position, channel) pairs with a nonzero gradient.
 *
 *   inference (convPlanes): per example: im2colᵀ [K × H·W] ─ pre[j] = b_j + Σ_i w_ij·cols[i]
 *   forward:  per 4 positions: 4 patches ─ per channel j: 4 dots with wᵀ[j] over its runs
 *   backward: per position with a nonzero ∂pre: patch ─ ∂wᵀ[j] += d·patch, ∂patch += d·wᵀ[j]
 *             (nonzero d only) ─ scatter ∂patch into ∂input; ∂b_j = Σ ∂pre[j]
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

/**
 * Per output channel j, the runs of weight rows it may read as flat [start, end, ...] pairs (from
 * the mask: a merged net's block-diagonal blocks and deleted channels are skipped).
 */
function outputRuns(layer: DenseLayer): Int32Array[] {
  const { inSize: K, outSize: C, mask } = layer
  const runs: Int32Array[] = []
  const pairs: number[] = []
  for (let j = 0; j < C; j++) {
    pairs.length = 0
    let i = 0
    while (i < K) {
      while (i < K && mask[i * C + j] === 0) i++
      if (i >= K) break
      const start = i
      while (i < K && mask[i * C + j] !== 0) i++
      pairs.push(start, i)
    }
    runs.push(Int32Array.from(pairs))
  }
  return runs
}

/** The weight matrix transposed, `wT[j·K + i]` = `w[i·C + j]`: one contiguous row per output. */
function transposeWeights(layer: DenseLayer): Float32Array {
  const { inSize: K, outSize: C, w } = layer
  const wT = new Float32Array(K * C)
  for (let i = 0; i < K; i++) for (let j = 0; j < C; j++) wT[j * K + i] = w[i * C + j]!
  return wT
}

/**
 * The patch of output position (y, x) of one example, `patch[i]` for i = (c·k + ky)·k + kx,
 * zero outside the image.
 */
function gatherPatch(
  x: Float32Array,
  offset: number,
  shape: ConvShape,
  y: number,
  xx: number,
  patch: Float32Array,
  at: number,
): void {
  const { kernel: k, height: H, width: W, inChannels: nc } = shape
  const pad = k >> 1
  let i = at
  for (let c = 0; c < nc; c++) {
    const src = offset + c * H * W
    for (let ky = 0; ky < k; ky++) {
      const iy = y + ky - pad
      if (iy < 0 || iy >= H) {
        patch.fill(0, i, i + k)
        i += k
        continue
      }
      const s = src + iy * W
      for (let kx = 0; kx < k; kx++, i++) {
        const ix = xx + kx - pad
        patch[i] = ix >= 0 && ix < W ? x[s + ix]! : 0
      }
    }
  }
}

/** Adds `dPatch` (the gradient of position (y, x)'s patch) into the image gradient (adjoint of `gatherPatch`). */
function scatterPatch(
  dPatch: Float32Array,
  dx: Float32Array,
  offset: number,
  shape: ConvShape,
  y: number,
  xx: number,
): void {
  const { kernel: k, height: H, width: W, inChannels: nc } = shape
  const pad = k >> 1
  const x0 = Math.max(0, pad - xx)
  const x1 = Math.min(k, W + pad - xx)
  let i = 0
  for (let c = 0; c < nc; c++) {
    const dst = offset + c * H * W
    for (let ky = 0; ky < k; ky++, i += k) {
      const iy = y + ky - pad
      if (iy < 0 || iy >= H) continue
      const d = dst + iy * W + xx - pad
      for (let kx = x0; kx < x1; kx++) dx[d + kx]! += dPatch[i + kx]!
    }
  }
}

/** Output positions computed together in the forward GEMM (each weight load serves four). */
const TILE = 4

/** Writes the first `n` of four sums at `out[d..d+3]`. */
function store(
  out: Float32Array,
  d: number,
  n: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  out[d] = s0
  if (n > 1) out[d + 1] = s1
  if (n > 2) out[d + 2] = s2
  if (n > 3) out[d + 3] = s3
}

/**
 * Pre-activations [rows × C × H·W] of a conv layer on `rows` NCHW inputs: per tile of 4 output
 * positions, their patches (4·K values) and the transposed weights (C·K) stay in L1 while every
 * output channel takes 4 dot products over its allowed rows.
 */
export function convForward(
  layer: DenseLayer,
  shape: ConvShape,
  x: Float32Array,
  rows: number,
): Float32Array {
  const C = layer.outSize
  const { height: H, width: W } = shape
  const P = H * W
  const K = layer.inSize
  const inStride = shape.inChannels * P
  const wT = transposeWeights(layer)
  const runs = outputRuns(layer)
  const b = layer.b
  const tile = new Float32Array(TILE * K)
  // same[j]: channel j+1 reads exactly channel j's rows, so the pair shares one pass.
  const same = runs.map((r, j) => {
    const next = runs[j + 1]
    return next !== undefined && next.length === r.length && r.every((v, q) => next[q] === v)
  })
  const out = new Float32Array(rows * C * P)
  for (let r = 0; r < rows; r++) {
    const off = r * inStride
    const o = r * C * P
    for (let p0 = 0; p0 < P; p0 += TILE) {
      const n = Math.min(TILE, P - p0)
      for (let t = 0; t < n; t++) {
        const pos = p0 + t
        gatherPatch(x, off, shape, (pos / W) | 0, pos % W, tile, t * K)
      }
      if (n < TILE) tile.fill(0, n * K)
      let j = 0
      while (j < C) {
        const run = runs[j]!
        const d = o + j * P + p0
        const wj = j * K
        if (j + 1 < C && same[j]) {
          // Two channels that read the same rows: 8 sums per pass over the tile.
          const b0 = b[j]!
          const b1 = b[j + 1]!
          let s0 = b0
          let s1 = b0
          let s2 = b0
          let s3 = b0
          let u0 = b1
          let u1 = b1
          let u2 = b1
          let u3 = b1
          const wk = wj + K
          for (let q = 0; q < run.length; q += 2)
            for (let i = run[q]!, end = run[q + 1]!; i < end; i++) {
              const t0 = tile[i]!
              const t1 = tile[K + i]!
              const t2 = tile[2 * K + i]!
              const t3 = tile[3 * K + i]!
              const v = wT[wj + i]!
              const u = wT[wk + i]!
              s0 += v * t0
              s1 += v * t1
              s2 += v * t2
              s3 += v * t3
              u0 += u * t0
              u1 += u * t1
              u2 += u * t2
              u3 += u * t3
            }
          store(out, d, n, s0, s1, s2, s3)
          store(out, d + P, n, u0, u1, u2, u3)
          j += 2
          continue
        }
        const bj = b[j]!
        let s0 = bj
        let s1 = bj
        let s2 = bj
        let s3 = bj
        for (let q = 0; q < run.length; q += 2)
          for (let i = run[q]!, end = run[q + 1]!; i < end; i++) {
            const v = wT[wj + i]!
            s0 += v * tile[i]!
            s1 += v * tile[K + i]!
            s2 += v * tile[2 * K + i]!
            s3 += v * tile[3 * K + i]!
          }
        store(out, d, n, s0, s1, s2, s3)
        j++
      }
    }
  }
  return out
}

/**
 * Weight and bias gradients of a conv layer from the pre-activation gradient `dPre`
 * [rows × C × H·W] (gradients of masked weights stay zero); adds the input gradient into `dIn`
 * when given. After a ReLU and a max-pool most of `dPre` is zero, so the pass runs over output
 * positions and skips every (position, channel) without gradient: only positions with one get
 * their patch gathered, and each nonzero ∂pre adds d·patch into ∂w's row j and d·w's row j into
 * the patch gradient, which is scattered back into ∂input.
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
  const { height: H, width: W } = shape
  const P = H * W
  const K = layer.inSize
  const inStride = shape.inChannels * P
  const wT = transposeWeights(layer)
  const runs = outputRuns(layer)
  const gwT = new Float32Array(K * C)
  const gb = new Float32Array(C)
  const patch = new Float32Array(K)
  const dPatch = new Float32Array(K)
  for (let r = 0; r < rows; r++) {
    const o = r * C * P
    const off = r * inStride
    for (let pos = 0; pos < P; pos++) {
      let any = false
      for (let j = 0; j < C; j++) {
        const d = dPre[o + j * P + pos]!
        if (d === 0) continue
        gb[j]! += d
        any = true
      }
      if (!any) continue
      const y = (pos / W) | 0
      const xx = pos % W
      gatherPatch(input, off, shape, y, xx, patch, 0)
      if (dIn) dPatch.fill(0)
      for (let j = 0; j < C; j++) {
        const d = dPre[o + j * P + pos]!
        if (d === 0) continue
        const run = runs[j]!
        const wj = j * K
        for (let q = 0; q < run.length; q += 2) {
          const end = run[q + 1]!
          for (let i = run[q]!; i < end; i++) gwT[wj + i]! += d * patch[i]!
          if (dIn) for (let i = run[q]!; i < end; i++) dPatch[i]! += d * wT[wj + i]!
        }
      }
      if (dIn) scatterPatch(dPatch, dIn, off, shape, y, xx)
    }
  }
  const gw = new Float32Array(K * C)
  for (let i = 0; i < K; i++) for (let j = 0; j < C; j++) gw[i * C + j] = gwT[j * K + i]!
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
