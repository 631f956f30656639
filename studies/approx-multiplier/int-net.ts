/**
 * Approximate integer inference in typed arrays.
 *
 *   float net (tfjs weights) --PTQ--> int8 weights, symmetric per output channel (|q| ≤ 127)
 *                                      uint8 activations, per tensor, zero point 0, scale = exact
 *                                      max over the calibration split / 255 (inputs are ≥ 0: images
 *                                      in [0, 1] and ReLU outputs)
 *   per weighted layer (dense, or conv as im2col + GEMM):
 *       acc[pos, c] = bias_c + Σ_i  P(w[c, i], a[pos, i])        int32 (|acc| < 2^31 checked)
 *       P = w·a on the plain int8 path; P = bank[off[c, i] + a] on the LUT path, where the bank
 *       row at off[c, i] is sign(w)·LUT_mode(|w|, ·) of that weight's multiplier mode
 *   requantize: q = clamp(round(acc · S_in·S_w,c / S_out), 0, 255)   (ReLU = clamp at 0)
 *   last layer: float logits acc · S_in·S_w,c; max pooling on codes; flatten = NHWC order
 *
 * Padding positions enter the multiplier as a = 0, like any other zero activation.
 */
import type * as tfl from '@tensorflow/tfjs-layers'

export type FloatLayer =
  | {
      kind: 'dense'
      name: string
      /** [fanIn, out] */
      w: Float32Array
      b: Float32Array
      fanIn: number
      out: number
      relu: boolean
    }
  | {
      kind: 'conv'
      name: string
      /** HWIO [k, k, cin, out] */
      w: Float32Array
      b: Float32Array
      k: number
      cin: number
      out: number
      pad: number
      relu: boolean
    }
  | { kind: 'maxpool'; name: string; size: number }
  | { kind: 'flatten'; name: string }

export interface FloatNet {
  layers: FloatLayer[]
  /** Per example: [n] (flat) or [h, w, c]. */
  inputShape: number[]
}

/** Reads a trained tfjs mlp / lenet5 / cnn: dense, stride-1 conv (same or valid), max pool, flatten. */
export function extractFloatNet(model: tfl.LayersModel): FloatNet {
  const layers: FloatLayer[] = []
  for (const layer of model.layers) {
    const cls = layer.getClassName()
    const cfg = layer.getConfig() as Record<string, unknown>
    const act = cfg['activation']
    if (cls !== 'InputLayer' && act !== undefined && act !== 'relu' && act !== 'linear')
      throw new TypeError(
        `Cannot run layer "${layer.name}" in integers: activation "${String(act)}"`,
      )
    const relu = act === 'relu'
    const [k, b] = layer.getWeights()
    if (cls === 'Dense') {
      if (!k || !b) throw new TypeError(`Cannot run layer "${layer.name}" in integers: no bias`)
      const [fanIn = 0, out = 0] = k.shape
      layers.push({
        kind: 'dense',
        name: layer.name,
        w: k.dataSync() as Float32Array,
        b: b.dataSync() as Float32Array,
        fanIn,
        out,
        relu,
      })
    } else if (cls === 'Conv2D') {
      if (!k || !b) throw new TypeError(`Cannot run layer "${layer.name}" in integers: no bias`)
      if (JSON.stringify(cfg['strides']) !== '[1,1]')
        throw new TypeError(`Cannot run layer "${layer.name}" in integers: stride is not 1`)
      const [kh = 0, , cin = 0, out = 0] = k.shape
      layers.push({
        kind: 'conv',
        name: layer.name,
        w: k.dataSync() as Float32Array,
        b: b.dataSync() as Float32Array,
        k: kh,
        cin,
        out,
        pad: cfg['padding'] === 'same' ? Math.floor((kh - 1) / 2) : 0,
        relu,
      })
    } else if (cls === 'MaxPooling2D') {
      layers.push({
        kind: 'maxpool',
        name: layer.name,
        size: (cfg['poolSize'] as number[])[0] ?? 2,
      })
    } else if (cls === 'Flatten') {
      layers.push({ kind: 'flatten', name: layer.name })
    } else if (cls !== 'InputLayer') {
      throw new TypeError(`Cannot run layer "${layer.name}" in integers: class ${cls}`)
    }
  }
  return { layers, inputShape: model.inputs[0]?.shape.slice(1) as number[] }
}

/** Geometry of a conv layer's im2col. */
export interface ConvGeom {
  h: number
  w: number
  cin: number
  k: number
  pad: number
  oh: number
  ow: number
}

/** A weighted layer as a GEMM over patches of length K: one row per output position. */
export interface IntLayer {
  kind: 'dense' | 'conv'
  name: string
  /** Patch length (fanIn, or k·k·cin in (dy, dx, ci) order). */
  K: number
  out: number
  /** Output positions per example (1 for dense). */
  positions: number
  /** int8 codes, [out, K] (transposed from the tfjs layout). */
  wT: Int8Array
  /** int32, scale S_in·S_w,c. */
  bias: Int32Array
  sIn: number
  sW: Float64Array
  /** Scale of the requantized output; 0 on the last layer (float logits). */
  sOut: number
  relu: boolean
  conv?: ConvGeom
}

export type IntOp =
  | IntLayer
  | { kind: 'maxpool'; size: number; h: number; w: number; c: number }
  | { kind: 'flatten' }

export interface IntNet {
  ops: IntOp[]
  /** The weighted layers, in order (the same objects as in `ops`). */
  weighted: IntLayer[]
  /** Input scale: codes = round(x / sIn), zero point 0. */
  sIn: number
  inputShape: number[]
  classes: number
}

/**
 * The multiplier assignment of one layer: `bank` holds signed LUT rows, `off[c·K + i]` is the
 * start of the row of weight (c, i), so its product with activation a is bank[off + a].
 * `bias` replaces the layer bias (per-channel bias correction).
 */
export interface LayerPlan {
  bank: Int32Array
  off: Int32Array
  bias?: Int32Array
}

/** Shapes through the net: per layer, [h, w, c] or [n] of its input. */
function walkShapes(net: FloatNet): number[][] {
  const shapes: number[][] = []
  let shape = [...net.inputShape]
  for (const l of net.layers) {
    shapes.push(shape)
    if (l.kind === 'dense') shape = [l.out]
    else if (l.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)]
    else if (l.kind === 'maxpool') {
      const [h = 1, w = 1, c = 1] = shape
      shape = [Math.floor(h / l.size), Math.floor(w / l.size), c]
    } else {
      const [h = 1, w = 1] = shape
      shape = [h + 2 * l.pad - l.k + 1, w + 2 * l.pad - l.k + 1, l.out]
    }
  }
  shapes.push(shape)
  return shapes
}

/** im2col of example `img` of `x` ([n, h, w, cin]) into `patches` [oh·ow, k·k·cin]. */
export function im2col(
  g: ConvGeom,
  x: ArrayLike<number>,
  img: number,
  patches: Uint8Array | Float32Array,
): void {
  const { h, w, cin, k, pad, oh, ow } = g
  const base = img * h * w * cin
  let p = 0
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let dy = 0; dy < k; dy++) {
        const iy = oy + dy - pad
        for (let dx = 0; dx < k; dx++) {
          const ix = ox + dx - pad
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
            patches.fill(0, p, p + cin)
          } else {
            const src = base + (iy * w + ix) * cin
            for (let ci = 0; ci < cin; ci++) patches[p + ci] = x[src + ci] as number
          }
          p += cin
        }
      }
}

function maxPool<T extends Uint8Array | Float32Array>(
  x: T,
  n: number,
  h: number,
  w: number,
  c: number,
  s: number,
  make: (len: number) => T,
): T {
  const oh = Math.floor(h / s)
  const ow = Math.floor(w / s)
  const y = make(n * oh * ow * c)
  for (let img = 0; img < n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let m = Number.NEGATIVE_INFINITY
          for (let dy = 0; dy < s; dy++)
            for (let dx = 0; dx < s; dx++)
              m = Math.max(m, x[((img * h + oy * s + dy) * w + ox * s + dx) * c + ch] as number)
          y[((img * oh + oy) * ow + ox) * c + ch] = m
        }
  return y
}

/**
 * Float forward in typed arrays; calls `onInput(j, x)` with the input of every weighted layer j.
 * Returns the logits [n, classes].
 */
export function runFloat(
  net: FloatNet,
  images: Float32Array,
  n: number,
  onInput?: (j: number, x: Float32Array) => void,
): Float32Array {
  const shapes = walkShapes(net)
  let x = images
  let j = 0
  net.layers.forEach((l, li) => {
    const shape = shapes[li] as number[]
    if (l.kind === 'flatten') return
    if (l.kind === 'maxpool') {
      const [h = 1, w = 1, c = 1] = shape
      x = maxPool(x, n, h, w, c, l.size, (len) => new Float32Array(len))
      return
    }
    onInput?.(j++, x)
    const [oh = 1, ow = 1] = l.kind === 'conv' ? (shapes[li + 1] as number[]) : [1, 1]
    const positions = oh * ow
    const K = l.kind === 'conv' ? l.k * l.k * l.cin : l.fanIn
    const y = new Float32Array(n * positions * l.out)
    const patches = new Float32Array(positions * K)
    const g: ConvGeom | undefined =
      l.kind === 'conv'
        ? { h: shape[0] ?? 1, w: shape[1] ?? 1, cin: l.cin, k: l.k, pad: l.pad, oh, ow }
        : undefined
    for (let img = 0; img < n; img++) {
      if (g) im2col(g, x, img, patches)
      const p = g ? patches : x.subarray(img * K, (img + 1) * K)
      for (let pos = 0; pos < positions; pos++)
        for (let c = 0; c < l.out; c++) {
          let s = l.b[c] as number
          for (let i = 0; i < K; i++)
            s += (p[pos * K + i] as number) * (l.w[i * l.out + c] as number)
          y[(img * positions + pos) * l.out + c] = l.relu ? Math.max(0, s) : s
        }
    }
    x = y
  })
  return x
}

/**
 * Post-training quantization to the integer net: int8 symmetric per-channel weights, uint8
 * activations from the exact maximum of each weighted layer's input over `calib` (n rows).
 */
export function quantizeNet(net: FloatNet, calib: Float32Array, n: number): IntNet {
  const maxIn: number[] = []
  runFloat(net, calib, n, (j, x) => {
    let m = 0
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number
      if (v < 0)
        throw new RangeError(`Cannot quantize: input of weighted layer ${j} is negative (${v})`)
      if (v > m) m = v
    }
    maxIn[j] = m
  })
  const scale = (m: number | undefined) => (m && m > 0 ? m / 255 : 1)
  const shapes = walkShapes(net)
  const ops: IntOp[] = []
  const weighted: IntLayer[] = []
  const count = net.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv').length
  let j = 0
  let classes = 0
  net.layers.forEach((l, li) => {
    const shape = shapes[li] as number[]
    if (l.kind === 'flatten') {
      ops.push({ kind: 'flatten' })
      return
    }
    if (l.kind === 'maxpool') {
      const [h = 1, w = 1, c = 1] = shape
      ops.push({ kind: 'maxpool', size: l.size, h, w, c })
      return
    }
    const last = j === count - 1
    if (!last && !l.relu)
      throw new TypeError(`Cannot quantize layer "${l.name}": hidden layers must end in ReLU`)
    const K = l.kind === 'conv' ? l.k * l.k * l.cin : l.fanIn
    const out = l.out
    const sIn = scale(maxIn[j])
    const sOut = last ? 0 : scale(maxIn[j + 1])
    const sW = new Float64Array(out)
    for (let c = 0; c < out; c++) {
      let m = 0
      for (let i = 0; i < K; i++) m = Math.max(m, Math.abs(l.w[i * out + c] as number))
      sW[c] = m > 0 ? m / 127 : 1
    }
    const wT = new Int8Array(out * K)
    for (let c = 0; c < out; c++)
      for (let i = 0; i < K; i++)
        wT[c * K + i] = Math.max(
          -127,
          Math.min(127, Math.round((l.w[i * out + c] as number) / (sW[c] as number))),
        )
    const bias = Int32Array.from({ length: out }, (_, c) =>
      Math.round((l.b[c] as number) / (sIn * (sW[c] as number))),
    )
    const next = shapes[li + 1] as number[]
    const conv: ConvGeom | undefined =
      l.kind === 'conv'
        ? {
            h: shape[0] ?? 1,
            w: shape[1] ?? 1,
            cin: l.cin,
            k: l.k,
            pad: l.pad,
            oh: next[0] ?? 1,
            ow: next[1] ?? 1,
          }
        : undefined
    const layer: IntLayer = {
      kind: l.kind,
      name: l.name,
      K,
      out,
      positions: conv ? conv.oh * conv.ow : 1,
      wT,
      bias,
      sIn,
      sW,
      sOut,
      relu: l.relu,
      ...(conv ? { conv } : {}),
    }
    if (K * 127 * 255 + 2 ** 24 >= 2 ** 31)
      throw new RangeError(
        `Cannot quantize layer "${l.name}": the int32 accumulator could overflow`,
      )
    ops.push(layer)
    weighted.push(layer)
    if (last) classes = out
    j++
  })
  return { ops, weighted, sIn: scale(maxIn[0]), inputShape: net.inputShape, classes }
}

/** uint8 input codes: clamp(round(x / sIn), 0, 255). */
export function quantizeInput(net: IntNet, x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length)
  for (let i = 0; i < x.length; i++)
    out[i] = Math.max(0, Math.min(255, Math.round((x[i] as number) / net.sIn)))
  return out
}

/** Rows per GEMM block: im2col rows of several examples, so each LUT row is reused many times. */
const BLOCK_ROWS = 512

/**
 * Accumulators [out, R] of a block of R patch rows given transposed (`patchesT` [K, R]): plain
 * int8 products, or the plan's LUT rows. Weight-stationary: the inner loop runs over the rows
 * with four LUT rows (1 KiB each) or four weights fixed, so each accumulator is loaded and stored
 * once per four MACs (about 3× faster than one at a time here). Sums stay exact integers.
 */
export function accumulate(
  l: IntLayer,
  patchesT: Uint8Array,
  R: number,
  plan: LayerPlan | undefined,
  acc: Int32Array,
): void {
  const { K, out } = l
  const bias = plan?.bias ?? l.bias
  const w = l.wT
  const bank = plan?.bank
  const off = plan?.off
  for (let c = 0; c < out; c++) {
    const base = c * R
    acc.fill(bias[c] as number, base, base + R)
    const wb = c * K
    let i = 0
    if (!bank || !off) {
      for (; i + 3 < K; i += 4) {
        const w0 = w[wb + i] as number
        const w1 = w[wb + i + 1] as number
        const w2 = w[wb + i + 2] as number
        const w3 = w[wb + i + 3] as number
        const p0 = i * R
        const p1 = p0 + R
        const p2 = p1 + R
        const p3 = p2 + R
        for (let r = 0; r < R; r++)
          acc[base + r] =
            (acc[base + r] as number) +
            w0 * (patchesT[p0 + r] as number) +
            w1 * (patchesT[p1 + r] as number) +
            w2 * (patchesT[p2 + r] as number) +
            w3 * (patchesT[p3 + r] as number)
      }
      for (; i < K; i++) {
        const wi = w[wb + i] as number
        const pi = i * R
        for (let r = 0; r < R; r++)
          acc[base + r] = (acc[base + r] as number) + wi * (patchesT[pi + r] as number)
      }
    } else {
      for (; i + 3 < K; i += 4) {
        const o0 = off[wb + i] as number
        const o1 = off[wb + i + 1] as number
        const o2 = off[wb + i + 2] as number
        const o3 = off[wb + i + 3] as number
        const p0 = i * R
        const p1 = p0 + R
        const p2 = p1 + R
        const p3 = p2 + R
        for (let r = 0; r < R; r++)
          acc[base + r] =
            (acc[base + r] as number) +
            (bank[o0 + (patchesT[p0 + r] as number)] as number) +
            (bank[o1 + (patchesT[p1 + r] as number)] as number) +
            (bank[o2 + (patchesT[p2 + r] as number)] as number) +
            (bank[o3 + (patchesT[p3 + r] as number)] as number)
      }
      for (; i < K; i++) {
        const o = off[wb + i] as number
        const pi = i * R
        for (let r = 0; r < R; r++)
          acc[base + r] =
            (acc[base + r] as number) + (bank[o + (patchesT[pi + r] as number)] as number)
      }
    }
  }
}

/**
 * Calls `f(img0, count, patchesT, R)` per block of `count` examples from `img0`: their patch rows
 * transposed, [K, R] with R = count·positions, row r = (example img0 + ⌊r / positions⌋,
 * position r mod positions).
 */
export function forEachBlock(
  l: IntLayer,
  x: Uint8Array,
  n: number,
  f: (img0: number, count: number, patchesT: Uint8Array, R: number) => void,
): void {
  const { K, positions } = l
  const per = Math.max(1, Math.floor(BLOCK_ROWS / positions))
  const patchesT = new Uint8Array(K * per * positions)
  const patches = l.conv ? new Uint8Array(positions * K) : new Uint8Array(0)
  for (let img0 = 0; img0 < n; img0 += per) {
    const count = Math.min(per, n - img0)
    const R = count * positions
    for (let e = 0; e < count; e++) {
      if (l.conv) im2col(l.conv, x, img0 + e, patches)
      const src = l.conv ? patches : x.subarray((img0 + e) * K, (img0 + e + 1) * K)
      const r0 = e * positions
      for (let p = 0; p < positions; p++)
        for (let i = 0; i < K; i++) patchesT[i * R + r0 + p] = src[p * K + i] as number
    }
    f(img0, count, patchesT, R)
  }
}

export interface RunOptions {
  /** Per weighted layer: its LUT plan, or undefined for the plain int8 product. */
  plans?: readonly (LayerPlan | undefined)[]
  /** Index of the weighted layer whose input `x` is (default 0: `x` is the network input). */
  start?: number
  /** Called with the input codes of every weighted layer from `start` on. */
  onInput?: (j: number, x: Uint8Array) => void
  /**
   * Adds, per weighted layer, the counts of the activation codes its multipliers see, per patch
   * index i (input of a dense layer, (dy, dx, ci) of a conv patch): hist[i·256 + a], K·256 long.
   */
  histograms?: Float64Array[]
}

/** Float logits [n, classes] of the integer net for input codes `x` (n rows). */
export function runInt(net: IntNet, x: Uint8Array, n: number, opts: RunOptions = {}): Float64Array {
  const start = opts.start ?? 0
  let h = x
  let j = 0
  let started = start === 0
  let logits = new Float64Array(0)
  for (const op of net.ops) {
    if (op.kind === 'flatten') continue
    if (op.kind === 'maxpool') {
      if (started) h = maxPool(h, n, op.h, op.w, op.c, op.size, (len) => new Uint8Array(len))
      continue
    }
    if (j < start) {
      j++
      continue
    }
    started = true
    opts.onInput?.(j, h)
    const plan = opts.plans?.[j]
    const hist = opts.histograms?.[j]
    const { out, positions } = op
    const acc = new Int32Array(out * Math.max(1, Math.floor(BLOCK_ROWS / positions)) * positions)
    const last = op.sOut === 0
    const y = last ? new Float64Array(n * out) : new Uint8Array(n * positions * out)
    const mult = Float64Array.from(op.sW, (s) => (last ? op.sIn * s : (op.sIn * s) / op.sOut))
    forEachBlock(op, h, n, (img0, _count, patchesT, R) => {
      if (hist)
        for (let i = 0; i < op.K; i++) {
          const hb = i * 256
          const pb = i * R
          for (let r = 0; r < R; r++) {
            const k = hb + (patchesT[pb + r] as number)
            hist[k] = (hist[k] as number) + 1
          }
        }
      accumulate(op, patchesT, R, plan, acc)
      const base = img0 * positions * out
      for (let c = 0; c < out; c++) {
        const m = mult[c] as number
        for (let r = 0; r < R; r++) {
          const v = (acc[c * R + r] as number) * m
          y[base + r * out + c] = last ? v : Math.max(0, Math.min(255, Math.round(v)))
        }
      }
    })
    if (last) logits = y as Float64Array<ArrayBuffer>
    else h = y as Uint8Array
    j++
  }
  return logits
}

/** Top-1 accuracy (%) of logits [n, classes] against labels. */
export function top1(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number {
  const n = labels.length
  let ok = 0
  for (let r = 0; r < n; r++) {
    let best = 0
    for (let c = 1; c < classes; c++)
      if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c
    if (best === labels[r]) ok++
  }
  return n === 0 ? 0 : (100 * ok) / n
}

/** Multiply-accumulates per example of each weighted layer. */
export function layerMacs(net: IntNet): number[] {
  return net.weighted.map((l) => l.positions * l.K * l.out)
}
