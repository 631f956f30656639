/**
 * Training kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks or runs slowly, written in
 * terms of the kernels it has (XNNPACK Conv2D, DepthwiseConv2dNative, BatchMatMul, Transpose,
 * PadV2, Slice) or, for the memory-bound ones, as loops over the wasm heap.
 *
 *   BatchMatMul, _FusedMatMul  the built-in ones are ~15x slower with transposeA/B set (the
 *                          gradient's case): transpose the operand first, then multiply untransposed
 *   Conv2DBackpropFilter   missing: dW = conv2d over the batch axis, x^T [CI,H,W,N] (*)
 *                          dy^T [OH,OW,N,CO], the forward stride becoming a dilation
 *   Conv2DBackpropInput    replaces a naive loop: dx = conv2d(dy spread by the stride and padded,
 *                          the filter flipped and transposed to [KH,KW,CO,CI]); a depthwise conv +
 *                          channel sum when CI is small (an image layer)
 *   MaxPoolGrad            replaces a slow loop: first maximum of each window, 2x2/2 unrolled
 *   AvgPoolGrad            replaces one that is also wrong at 'same'-padded borders
 *   DepthwiseConv2dNative  BackpropFilter / BackpropInput, missing: loops over the heap
 *                          (dilation supported)
 *   UnsortedSegmentSum     missing (gather's gradient): a loop over the heap
 *   Einsum                 missing: transpose + reshape + multiply + sum, as the cpu backend does
 *
 * Every kernel reads its inputs as TensorInfo on the wasm backend and returns a new TensorInfo;
 * intermediates are disposed on the backend before returning.
 */

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type {
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core'
import * as tf from '@tensorflow/tfjs-core'

const { backend_util } = tf
type ConvInfo = ReturnType<typeof backend_util.computeConv2DInfo>

type Call = (name: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap) => TensorInfo

/** Runs an existing wasm kernel directly on the backend (no engine, no tape). */
function caller(backend: BackendWasm): Call {
  return (name, inputs, attrs = {}) => {
    const k = tf.getKernel(name, 'wasm')
    if (!k) throw new Error(`Cannot run wasm kernel "${name}": not registered`)
    return k.kernelFunc({ inputs, attrs, backend }) as TensorInfo
  }
}

function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId)
}

function assertNhwc(dataFormat: unknown, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast')
    throw new Error(`Cannot run ${kernel} on wasm: dataFormat "${String(dataFormat)}" (only NHWC)`)
}

type Args = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }

function input(args: Args, name: string): TensorInfo {
  const t = args.inputs[name]
  if (!t) throw new TypeError(`Cannot run wasm kernel: input "${name}" is missing`)
  return t
}

function attrsOf<T>(args: Args): T {
  return (args.attrs ?? {}) as unknown as T
}

/* ------------------------------------------------------------- BatchMatMul, _FusedMatMul -- */
// The built-in wasm BatchMatMul is ~15x slower when transposeA or transposeB is set (1 GFLOP/s
// against 16): transposing the operand with the Transpose kernel first is far cheaper.

function transposeLast2(run: Call, t: TensorInfo): TensorInfo {
  const r = t.shape.length
  const perm = [...Array(r).keys()]
  perm[r - 2] = r - 1
  perm[r - 1] = r - 2
  return run('Transpose', { x: t }, { perm })
}

function untransposedMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm
    const attrs = (args.attrs ?? {}) as NamedAttrMap & {
      transposeA?: boolean
      transposeB?: boolean
    }
    if (!attrs.transposeA && !attrs.transposeB) return original(args)
    const run = caller(backend)
    const a = input(args, 'a')
    const b = input(args, 'b')
    const at = attrs.transposeA ? transposeLast2(run, a) : a
    const bt = attrs.transposeB ? transposeLast2(run, b) : b
    const out = original({
      inputs: { ...args.inputs, a: at, b: bt },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    })
    if (at !== a) free(backend, at)
    if (bt !== b) free(backend, bt)
    return out
  }
}

/* ------------------------------------------------------------------ Conv2DBackpropFilter -- */

function conv2DBackpropFilter(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const run = caller(backend)
  const x = input(args, 'x')
  const dy = input(args, 'dy')
  const attrs = attrsOf<tf.Conv2DBackpropFilterAttrs>(args)
  assertNhwc(attrs.dataFormat, 'Conv2DBackpropFilter')
  const info: ConvInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info
  const { top, bottom, left, right } = info.padInfo
  const xt = run('Transpose', { x }, { perm: [3, 1, 2, 0] }) // [CI, H, W, N]
  const dyt = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }) // [OH, OW, N, CO]
  const y = run(
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, Math.max(0, bottom)],
        [left, Math.max(0, right)],
        [0, 0],
      ] as unknown as 'valid',
      dilations: [info.strideHeight, info.strideWidth],
      dataFormat: 'NHWC',
    },
  ) // [CI, >=KH, >=KW, CO]
  free(backend, xt, dyt)
  let cut = y
  if (y.shape[1] !== kh || y.shape[2] !== kw) {
    cut = run('Slice', { x: y }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] })
    free(backend, y)
  }
  const dw = run('Transpose', { x: cut }, { perm: [1, 2, 0, 3] })
  free(backend, cut)
  return dw
}

/* ------------------------------------------------------------------- Conv2DBackpropInput -- */
// dx[h] = sum_j Wf[j] * D[h + j], a 'valid' conv2d over D, where Wf is the filter flipped in
// space and transposed to [KH, KW, CO, CI] and D is dy spread out by the stride (zeros between)
// and padded to H + KH - 1 rows: D[r] = dy[(r - (KH - 1 - top)) / stride] where that divides.

function conv2DBackpropInput(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const run = caller(backend)
  const dy = input(args, 'dy')
  const filter = input(args, 'filter')
  const attrs = attrsOf<tf.Conv2DBackpropInputAttrs>(args)
  assertNhwc(attrs.dataFormat, 'Conv2DBackpropInput')
  const info: ConvInfo = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info
  const { filterHeight: kh, filterWidth: kw } = info
  const hd = h + kh - 1
  const wd = w + kw - 1
  const offH = kh - 1 - info.padInfo.top
  const offW = kw - 1 - info.padInfo.left
  let spread: TensorInfo
  if (sh === 1 && sw === 1 && offH >= 0 && offW >= 0 && hd - oh >= offH && wd - ow >= offW) {
    // No zeros to insert: a native pad is enough.
    spread = run(
      'PadV2',
      { x: dy },
      {
        paddings: [
          [0, 0],
          [offH, hd - oh - offH],
          [offW, wd - ow - offW],
          [0, 0],
        ],
        constantValue: 0,
      },
    )
  } else {
    spread = backend.makeOutput([n, hd, wd, co], 'float32')
    // Views are taken after every allocation: a heap growth detaches earlier views.
    const d = backend.typedArrayFromHeap(spread) as Float32Array
    const g = backend.typedArrayFromHeap(dy) as Float32Array
    d.fill(0)
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++) {
        const r = y * sh + offH
        if (r < 0 || r >= hd) continue
        for (let x = 0; x < ow; x++) {
          const c = x * sw + offW
          if (c < 0 || c >= wd) continue
          const src = ((b * oh + y) * ow + x) * co
          const dst = ((b * hd + r) * wd + c) * co
          for (let k = 0; k < co; k++) d[dst + k] = g[src + k] as number
        }
      }
  }
  const flipped = backend.makeOutput([kh, kw, co, ci], 'float32')
  const f = backend.typedArrayFromHeap(filter) as Float32Array
  const ff = backend.typedArrayFromHeap(flipped) as Float32Array
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co
      const dst = (i * kw + j) * co * ci
      for (let a = 0; a < ci; a++)
        for (let o = 0; o < co; o++) ff[dst + o * ci + a] = f[src + a * co + o] as number
    }
  if (ci >= SMALL_CHANNELS) {
    const dx = run(
      'Conv2D',
      { x: spread, filter: flipped },
      { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
    )
    free(backend, spread, flipped)
    return dx
  }
  // Few input channels (an image layer): XNNPACK's GEMM pads the output channels to its tile
  // width, so a depthwise conv (multiplier CI) and a sum over CO is several times faster.
  const dwOut = run(
    'DepthwiseConv2dNative',
    { x: spread, filter: flipped },
    { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
  ) // [N, H, W, CO * CI]
  free(backend, spread, flipped)
  if (ci === 1) {
    const dx = run('Sum', { x: dwOut }, { axis: [3], keepDims: true })
    free(backend, dwOut)
    return dx
  }
  const split = run('Reshape', { x: dwOut }, { shape: [n, h, w, co, ci] })
  free(backend, dwOut)
  const dx = run('Sum', { x: split }, { axis: [3], keepDims: false })
  free(backend, split)
  return dx
}

/** Below this many input channels Conv2DBackpropInput uses the depthwise path. */
const SMALL_CHANNELS = 4

/* ---------------------------------------------------------------------------- MaxPoolGrad -- */
// The gradient goes to the first maximum of each window (strict >), as on the cpu backend.

function maxPoolGrad(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const dy = input(args, 'dy')
  const x = input(args, 'input')
  const attrs = attrsOf<tf.MaxPoolGradAttrs>(args)
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh } = info
  const { effectiveFilterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const out = backend.makeOutput(x.shape, 'float32')
  const dx = backend.typedArrayFromHeap(out) as Float32Array
  const xs = backend.typedArrayFromHeap(x) as Float32Array
  const gs = backend.typedArrayFromHeap(dy) as Float32Array
  dx.fill(0)
  if (
    fh === 2 &&
    fw === 2 &&
    sh === 2 &&
    sw === 2 &&
    top === 0 &&
    left === 0 &&
    dh === 1 &&
    dw === 1
  ) {
    maxPoolGrad2x2(xs, gs, dx, n, h, w, c, oh, ow)
    return out
  }
  // Channels innermost: every window tap reads a contiguous run of c values. (The wasm
  // MaxPoolWithArgmax kernel would do the search natively, but its indices are wrong when there
  // are several channels, in 4.22.)
  const best = new Float32Array(c)
  const at = new Int32Array(c)
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const r0 = y * sh - top
      const iLo = r0 >= 0 ? 0 : Math.ceil(-r0 / dh) * dh
      const iHi = Math.min(fh, h - r0)
      for (let xo = 0; xo < ow; xo++) {
        const c0 = xo * sw - left
        const jLo = c0 >= 0 ? 0 : Math.ceil(-c0 / dw) * dw
        const jHi = Math.min(fw, w - c0)
        best.fill(Number.NEGATIVE_INFINITY)
        at.fill(-1)
        for (let i = iLo; i < iHi; i += dh) {
          const rowBase = (b * h + r0 + i) * w
          for (let j = jLo; j < jHi; j += dw) {
            const base = (rowBase + c0 + j) * c
            for (let ch = 0; ch < c; ch++) {
              const v = xs[base + ch] as number
              if (v > (best[ch] as number)) {
                best[ch] = v
                at[ch] = base + ch
              }
            }
          }
        }
        const gBase = ((b * oh + y) * ow + xo) * c
        for (let ch = 0; ch < c; ch++) {
          const k = at[ch] as number
          if (k >= 0) dx[k] = (dx[k] as number) + (gs[gBase + ch] as number)
        }
      }
    }
  return out
}

/** The common 2x2, stride 2, unpadded case, unrolled (first maximum wins, as above). */
function maxPoolGrad2x2(
  xs: Float32Array,
  gs: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
): void {
  const rowStride = w * c
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const rowBase = (b * h + 2 * y) * rowStride
      const hasDown = 2 * y + 1 < h
      for (let xo = 0; xo < ow; xo++) {
        const p00 = rowBase + 2 * xo * c
        const hasRight = 2 * xo + 1 < w
        const gBase = ((b * oh + y) * ow + xo) * c
        for (let ch = 0; ch < c; ch++) {
          let at = p00 + ch
          let best = xs[at] as number
          if (hasRight) {
            const k = at + c
            const v = xs[k] as number
            if (v > best) {
              best = v
              at = k
            }
          }
          if (hasDown) {
            const k = p00 + ch + rowStride
            const v = xs[k] as number
            if (v > best) {
              best = v
              at = k
            }
            if (hasRight) {
              const k2 = k + c
              if ((xs[k2] as number) > best) at = k2
            }
          }
          dx[at] = (dx[at] as number) + (gs[gBase + ch] as number)
        }
      }
    }
}

/* ---------------------------------------------------------------------------- AvgPoolGrad -- */

function avgPoolGrad(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const dy = input(args, 'dy')
  const x = input(args, 'input')
  const attrs = attrsOf<tf.AvgPoolGradAttrs>(args)
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
  )
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  // The forward AvgPool (wasm and cpu) divides by the taps inside the input, so the gradient
  // does too. (tfjs's own AvgPoolGrad divides by fh * fw, wrong at 'same'-padded borders.)
  const out = backend.makeOutput(x.shape, 'float32')
  const dx = backend.typedArrayFromHeap(out) as Float32Array
  const gs = backend.typedArrayFromHeap(dy) as Float32Array
  dx.fill(0)
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const r0 = y * sh - top
      const iLo = Math.max(0, -r0)
      const iHi = Math.min(fh, h - r0)
      for (let xo = 0; xo < ow; xo++) {
        const c0 = xo * sw - left
        const jLo = Math.max(0, -c0)
        const jHi = Math.min(fw, w - c0)
        const count = (iHi - iLo) * (jHi - jLo)
        if (count <= 0) continue
        const scale = 1 / count
        const gBase = ((b * oh + y) * ow + xo) * c
        for (let i = iLo; i < iHi; i++)
          for (let j = jLo; j < jHi; j++) {
            const base = ((b * h + r0 + i) * w + c0 + j) * c
            for (let ch = 0; ch < c; ch++)
              dx[base + ch] = (dx[base + ch] as number) + (gs[gBase + ch] as number) * scale
          }
      }
    }
  return out
}

/* ------------------------------------------------------ DepthwiseConv2dNative gradients -- */

function depthwiseInfo(
  xShape: number[],
  filterShape: number[],
  attrs: tf.DepthwiseConv2dNativeBackpropFilterAttrs | tf.DepthwiseConv2dNativeBackpropInputAttrs,
): ConvInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  )
}

/** Visits every (output position, filter tap) pair of a depthwise conv that reads the input. */
function forEachDepthwiseTap(
  info: ConvInfo,
  visit: (xBase: number, yBase: number, fBase: number) => void,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const { filterHeight: kh, filterWidth: kw, outChannels: co } = info
  const m = co / c
  const top = info.padInfo.top
  const left = info.padInfo.left
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        const yBase = ((b * oh + y) * ow + xo) * co
        for (let i = 0; i < kh; i++) {
          const r = y * sh - top + i * dh
          if (r < 0 || r >= h) continue
          for (let j = 0; j < kw; j++) {
            const cc = xo * sw - left + j * dw
            if (cc < 0 || cc >= w) continue
            visit(((b * h + r) * w + cc) * c, yBase, (i * kw + j) * c * m)
          }
        }
      }
}

function depthwiseBackpropFilter(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const x = input(args, 'x')
  const dy = input(args, 'dy')
  const attrs = attrsOf<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(args)
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs)
  const c = info.inChannels
  const m = info.outChannels / c
  const out = backend.makeOutput(attrs.filterShape, 'float32')
  const dw = backend.typedArrayFromHeap(out) as Float32Array
  const xs = backend.typedArrayFromHeap(x) as Float32Array
  const gs = backend.typedArrayFromHeap(dy) as Float32Array
  dw.fill(0)
  forEachDepthwiseTap(info, (xBase, yBase, fBase) => {
    for (let ch = 0; ch < c; ch++) {
      const xv = xs[xBase + ch] as number
      for (let q = 0; q < m; q++) {
        const k = fBase + ch * m + q
        dw[k] = (dw[k] as number) + xv * (gs[yBase + ch * m + q] as number)
      }
    }
  })
  return out
}

function depthwiseBackpropInput(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const dy = input(args, 'dy')
  const filter = input(args, 'filter')
  const attrs = attrsOf<tf.DepthwiseConv2dNativeBackpropInputAttrs>(args)
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs)
  const c = info.inChannels
  const m = info.outChannels / c
  const out = backend.makeOutput(attrs.inputShape, 'float32')
  const dx = backend.typedArrayFromHeap(out) as Float32Array
  const fs = backend.typedArrayFromHeap(filter) as Float32Array
  const gs = backend.typedArrayFromHeap(dy) as Float32Array
  dx.fill(0)
  forEachDepthwiseTap(info, (xBase, yBase, fBase) => {
    for (let ch = 0; ch < c; ch++) {
      let acc = 0
      for (let q = 0; q < m; q++)
        acc += (fs[fBase + ch * m + q] as number) * (gs[yBase + ch * m + q] as number)
      dx[xBase + ch] = (dx[xBase + ch] as number) + acc
    }
  })
  return out
}

/* --------------------------------------------------------------------- UnsortedSegmentSum -- */

function unsortedSegmentSum(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const x = input(args, 'x')
  const ids = input(args, 'segmentIds')
  const { numSegments } = attrsOf<tf.UnsortedSegmentSumAttrs>(args)
  const rows = tf.util.sizeFromShape(ids.shape)
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows
  const shape = [numSegments, ...x.shape.slice(ids.shape.length)]
  const out = backend.makeOutput(shape, x.dtype)
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array
  const is = backend.typedArrayFromHeap(ids) as Int32Array
  o.fill(0)
  for (let i = 0; i < rows; i++) {
    const s = is[i] as number
    if (s < 0 || s >= numSegments) continue
    const dst = s * inner
    const src = i * inner
    for (let j = 0; j < inner; j++) o[dst + j] = (o[dst + j] as number) + (xs[src + j] as number)
  }
  return out
}

/* --------------------------------------------------------------------------------- Einsum -- */
// The cpu backend's algorithm (transpose, expand, multiply, sum along the compute path).

function einsum(args: Args): TensorInfo {
  const backend = args.backend as BackendWasm
  const run = caller(backend)
  const { equation } = attrsOf<tf.EinsumAttrs>(args)
  const tensors = args.inputs as unknown as TensorInfo[]
  const { allDims, summedDims, idDims } = backend_util.decodeEinsumEquation(
    equation,
    tensors.length,
  )
  backend_util.checkEinsumDimSizes(allDims.length, idDims, tensors as unknown as tf.Tensor[])
  const { path, steps } = backend_util.getEinsumComputePath(summedDims, idDims)
  let out: TensorInfo | null = null
  let remaining = allDims.length
  const temps: TensorInfo[] = []
  for (let i = 0; i < steps.length; i++) {
    for (const term of steps[i] ?? []) {
      const { permutationIndices: perm, expandDims } = backend_util.getEinsumPermutation(
        remaining,
        idDims[term] ?? [],
      )
      let t = tensors[term] as TensorInfo
      if (!backend_util.isIdentityPermutation(perm)) {
        t = run('Transpose', { x: t }, { perm })
        temps.push(t)
      }
      const target = t.shape.slice()
      for (const k of expandDims) target.splice(k, 0, 1)
      if (!tf.util.arraysEqual(t.shape, target)) {
        t = run('Reshape', { x: t }, { shape: target })
        temps.push(t)
      }
      out = out === null ? t : run('Multiply', { a: t, b: out })
      if (out !== t) temps.push(out)
    }
    const axis = path[i] ?? -1
    if (i < steps.length - 1) {
      if (axis >= 0 && out !== null) {
        out = run('Sum', { x: out }, { axis: axis - (allDims.length - remaining), keepDims: false })
        temps.push(out)
      }
      remaining--
    }
  }
  if (out === null) throw new Error(`Cannot run Einsum "${equation}": no operands`)
  for (const t of temps) if (t !== out) free(backend, t)
  // An operand returned unchanged needs its own reference.
  return temps.includes(out) ? out : run('Identity', { x: out })
}

/* ------------------------------------------------------------------------- registration -- */

function matMulOverride(name: '_FusedMatMul' | 'BatchMatMul'): KernelConfig {
  const original = tf.getKernel(name, 'wasm')
  if (!original) throw new Error(`Cannot patch wasm kernel "${name}": not registered`)
  const config: KernelConfig = {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: untransposedMatMul(original.kernelFunc),
  }
  if (original.setupFunc) config.setupFunc = original.setupFunc
  return config
}

/** Kernel names registerWasmTrainingKernels() adds to or replaces on the wasm backend. */
export const WASM_TRAINING_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Einsum',
] as const

function configs(): KernelConfig[] {
  const own = (kernelName: string, kernelFunc: (args: Args) => TensorInfo): KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernelFunc as tf.KernelFunc,
  })
  return [
    matMulOverride('BatchMatMul'),
    matMulOverride('_FusedMatMul'),
    own('Conv2DBackpropFilter', conv2DBackpropFilter),
    own('Conv2DBackpropInput', conv2DBackpropInput),
    own('MaxPoolGrad', maxPoolGrad),
    own('AvgPoolGrad', avgPoolGrad),
    own('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter),
    own('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput),
    own('UnsortedSegmentSum', unsortedSegmentSum),
    own('Einsum', einsum),
  ]
}

let registered = false

/**
 * Registers the training kernels on the wasm backend, replacing the slow built-in ones. Needs
 * `@tensorflow/tfjs-backend-wasm` imported (initTfjs calls it). Idempotent; returns the names.
 */
export function registerWasmTrainingKernels(): string[] {
  if (!registered) {
    for (const config of configs()) {
      if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm')
      tf.registerKernel(config)
    }
    registered = true
  }
  return [...WASM_TRAINING_KERNELS]
}
