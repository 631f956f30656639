/**
 * Micro-timing through tinybench: warm-up, then samples until both a time budget and a minimum
 * sample count are met, extended (up to `maxTimeMs`) while the relative margin of error of the
 * mean is above `targetRme`. Every raw sample is returned, in milliseconds.
 */
import { Bench } from 'tinybench'
import { z } from 'zod'
import { median } from '../stats/describe.ts'
import { type Metrics, metric } from '../types.ts'

export interface LatencyOptions {
  /** Time budget of one sampling round, ms. @default 500 */
  timeMs?: number
  /** Minimum samples per round. @default 10 */
  minSamples?: number
  /** Warm-up time, ms. @default 100 */
  warmupMs?: number
  /** Stop extending once the relative margin of error (%) is below this. @default 2 */
  targetRme?: number
  /** Never sample longer than this in total, ms. @default 5 * timeMs */
  maxTimeMs?: number
  /** Shortest sample, ms: faster calls are batched. @default 1 */
  minSampleMs?: number
  /**
   * Test-only: make every call this fraction slower by spinning after it (0.3 = 30% slower), so
   * the regression gate can be checked against a known slowdown. @default 0
   */
  injectSlowdown?: number
}

export interface LatencyResult {
  /** Per-call latencies, ms. */
  samples: number[]
  /** Relative margin of error of the mean at the end, %. */
  rme: number
  /** Calls per sample. */
  callsPerSample: number
  rounds: number
}

/** `fn`, made `fraction` slower by busy-waiting after each call. */
function slowedDown(fn: () => unknown, fraction: number): () => Promise<void> {
  return async () => {
    const t0 = performance.now()
    await fn()
    const until = t0 + (performance.now() - t0) * (1 + fraction)
    while (performance.now() < until) {
      // spin: a sleep would yield to the event loop and overshoot
    }
  }
}

export async function measureLatency(
  target: () => unknown,
  options: LatencyOptions = {},
): Promise<LatencyResult> {
  const fn = options.injectSlowdown ? slowedDown(target, options.injectSlowdown) : target
  const { timeMs = 500, minSamples = 10, warmupMs = 100, targetRme = 2 } = options
  const maxTimeMs = options.maxTimeMs ?? 5 * timeMs
  const minSampleMs = options.minSampleMs ?? 1
  // Calibrate: how many calls make one sample of at least minSampleMs. Each k is timed three
  // times and the fastest counts, so one preemption or GC pause does not stop the batching.
  let k = 1
  for (;;) {
    let dt = Number.POSITIVE_INFINITY
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now()
      for (let i = 0; i < k; i++) await fn()
      dt = Math.min(dt, performance.now() - t0)
    }
    if (dt >= minSampleMs || k >= 1 << 20) break
    k = dt <= 0 ? k * 16 : Math.min(k * 16, Math.ceil((k * minSampleMs * 1.2) / dt))
  }
  const batched =
    k === 1
      ? fn
      : async () => {
          for (let i = 0; i < k; i++) await fn()
        }
  const samples: number[] = []
  let rme = Number.POSITIVE_INFINITY
  let rounds = 0
  let spent = 0
  while (rounds === 0 || (rme > targetRme && spent + timeMs <= maxTimeMs)) {
    const bench = new Bench({
      time: timeMs,
      iterations: minSamples,
      warmupTime: rounds === 0 ? warmupMs : 0,
      warmupIterations: rounds === 0 ? 2 : 0,
      warmup: rounds === 0,
      retainSamples: true,
      throws: true,
    })
    bench.add('fn', batched)
    await bench.run()
    const result = bench.tasks[0]?.result
    if (!result || !('latency' in result))
      throw new Error('tinybench returned no latency statistics')
    for (const x of result.latency.samples ?? []) samples.push(x / k)
    spent += result.totalTime
    rounds++
    const n = samples.length
    const mean = samples.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1))
    rme = n > 1 ? ((1.96 * sd) / Math.sqrt(n) / mean) * 100 : Number.POSITIVE_INFINITY
  }
  return { samples, rme, rounds, callsPerSample: k }
}

/** The timing knobs a timed subject exposes as params (spread into its zod schema). */
export const TimingParams = {
  /** Sampling round, ms. */
  timeMs: z.number().positive().default(400),
  minSamples: z.number().int().min(1).default(10),
  /** Test-only: make every call this fraction slower (checks the regression gate). */
  injectSlowdown: z.number().min(0).default(0),
}

/**
 * Time `fn` (one call processes `batch` items costing `flops` in all) and report its median
 * latency with every sample, throughput, and achieved GFLOP/s next to the analytic FLOP count.
 */
export async function timedMetrics(
  fn: () => unknown,
  params: { timeMs: number; minSamples: number; injectSlowdown: number },
  work: { batch: number; flops: number },
): Promise<Metrics> {
  const { samples } = await measureLatency(fn, params)
  const ms = median(samples)
  // Throughput and GFLOP/s are per-sample transforms of the latency, so they keep samples too:
  // comparisons then treat them as timings (rank test over samples), not as per-seed values.
  return {
    latency_ms: metric(ms, 'ms', 'lower', samples),
    throughput: metric(
      (work.batch / ms) * 1000,
      'samples/s',
      'higher',
      samples.map((t) => (work.batch / t) * 1000),
    ),
    gflops: metric(
      work.flops / (ms * 1e6),
      'GFLOP/s',
      'higher',
      samples.map((t) => work.flops / (t * 1e6)),
    ),
  }
}
