/**
 * Cost of one head alone on a [1, s, s, C] feature map, in inference mode, on two runtimes:
 *
 *   tfjs        the active tfjs backend (wasm): latency (one or two warm-up calls, then calls
 *               until `timeMs` has passed and at least `minSamples` were taken; a head slower than
 *               `timeMs` per call gets one timed call) and peak tensor memory above what existed
 *               before the call (tf.profile's peak, weights and input excluded)
 *   onnxruntime the same head (same seeded weights and input) exported to ONNX (HeadBlock.toOnnx)
 *               and run by onnxruntime-node with explicit threads: latency by the harness's
 *               measureLatency (calibrated batching, warm-up, samples until a time budget and a
 *               target margin of error), and the peak resident-set growth of one call in a fresh
 *               process (ort-memory.ts): ORT's arena for the intermediates plus the output
 */
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { createOrtSession, type OrtSession } from '../../harness/backends/onnx.ts'
import { measureLatency } from '../../harness/measure/latency.ts'
import type { Rng } from '../../harness/run/rng.ts'
import type { HeadDef, HeadWidths } from './head.ts'
import { ParamStore } from './layers.ts'
import { exportHeadOnnx } from './onnx-head.ts'
import { probeOrtPeakMemory } from './ort-memory.ts'

export interface HeadCost {
  /** Per-call latencies, ms. */
  samples: number[]
  /** Peak tensor bytes during one call, above the bytes alive before it. */
  peakBytes: number
  macs: number
  params: number
}

export interface CostOptions {
  /** @default 300 */
  timeMs?: number
  /** @default 3 */
  minSamples?: number
  now?: () => number
  signal?: AbortSignal
}

export async function measureHeadCost(
  head: HeadDef,
  widths: HeadWidths,
  size: number,
  rng: Rng,
  options: CostOptions = {},
): Promise<HeadCost> {
  const { timeMs = 300, minSamples = 3 } = options
  const now = options.now ?? (() => performance.now())
  const store = new ParamStore(rng.fork('weights'))
  const block = head.build(store, widths)
  const values = new Float32Array(size * size * widths.channels)
  const inputRng = rng.fork('input')
  for (let i = 0; i < values.length; i++) values[i] = inputRng.normal()
  const x = tf.tensor4d(values, [1, size, size, widths.channels])
  const call = () => {
    const y = tf.tidy(() => block.apply(x, false))
    y.dataSync()
    if (y !== x) y.dispose()
  }
  try {
    const before = tf.memory().numBytes
    const t0 = now()
    const profile = await tf.profile(call)
    const warm = now() - t0
    const peakBytes = Math.max(0, profile.peakBytes - before)
    if (warm <= timeMs) call() // a second warm-up call where it is cheap (kernels settle)
    const samples: number[] = []
    const start = now()
    for (;;) {
      options.signal?.throwIfAborted()
      const s = now()
      call()
      samples.push(now() - s)
      const elapsed = now() - start
      if (warm > timeMs) break
      if (elapsed >= timeMs && samples.length >= minSamples) break
    }
    return {
      samples,
      peakBytes,
      macs: head.macs(widths, size, size),
      params: store.count(),
    }
  } finally {
    x.dispose()
    store.dispose()
  }
}

export interface OrtHeadCost {
  /** Per-call latencies, ms (the harness's latency samples). */
  samples: number[]
  /** Peak resident-set growth of one call in a fresh process, bytes; undefined off Linux. */
  peakRssBytes: number | undefined
  macs: number
  params: number
  /** Size of the exported graph, bytes. */
  modelBytes: number
  session: Omit<OrtSession, 'session'>
}

export interface OrtCostOptions {
  /** Intra-op threads. @default 1 */
  threads?: number
  /** Sampling round, ms. @default 300 */
  timeMs?: number
  /** @default 5 */
  minSamples?: number
}

/** The head's cost on onnxruntime-node: see the header. Same weights and input as the tfjs arm. */
export async function measureHeadCostOrt(
  head: HeadDef,
  widths: HeadWidths,
  size: number,
  rng: Rng,
  options: OrtCostOptions = {},
): Promise<OrtHeadCost> {
  const { threads = 1, timeMs = 300, minSamples = 5 } = options
  const store = new ParamStore(rng.fork('weights'))
  let bytes: Uint8Array
  let params: number
  try {
    const block = head.build(store, widths)
    bytes = exportHeadOnnx(block, { batch: 1, h: size, w: size, channels: widths.channels })
    params = store.count()
  } finally {
    store.dispose()
  }
  const values = new Float32Array(size * size * widths.channels)
  const inputRng = rng.fork('input')
  for (let i = 0; i < values.length; i++) values[i] = inputRng.normal()
  const dims = [1, size, size, widths.channels]
  const peakRssBytes = probeOrtPeakMemory(bytes, values, dims, threads)
  const { session, ...info } = await createOrtSession(bytes, { threads })
  const feeds = { x: new ort.Tensor('float32', values, dims) }
  try {
    const { samples } = await measureLatency(() => session.run(feeds), {
      timeMs,
      minSamples,
      warmupMs: Math.min(100, timeMs),
      maxTimeMs: 3 * timeMs,
    })
    return {
      samples,
      peakRssBytes,
      macs: head.macs(widths, size, size),
      params,
      modelBytes: bytes.length,
      session: info,
    }
  } finally {
    await session.release()
  }
}

/** Least-squares slope of log(y) on log(x): the exponent of a power law y ∝ x^k. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length
  if (n < 2 || ys.length !== n) return Number.NaN
  const lx = xs.map(Math.log)
  const ly = ys.map(Math.log)
  const mx = lx.reduce((a, b) => a + b, 0) / n
  const my = ly.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += ((lx[i] as number) - mx) * ((ly[i] as number) - my)
    sxx += ((lx[i] as number) - mx) ** 2
  }
  return sxx === 0 ? Number.NaN : sxy / sxx
}
