/**
 * Interleaved timing of two implementations of one computation: each round times one call of
 * `a`, then one of `b`, so machine drift (other processes, frequency) hits both alike. The
 * speedup is the median of the per-round ratios b/a; its 95% interval is the order-statistic
 * interval of that median.
 */
import { type Metrics, metric } from '../../harness/types.ts'

export interface InterleaveOptions {
  /** Time budget of the timed rounds, ms. */
  timeMs: number
  /** At least this many rounds, whatever the budget. */
  minSamples: number
  /** Untimed rounds first. @default 2 */
  warmup?: number
  now: () => number
}

export interface Interleaved {
  aMs: number[]
  bMs: number[]
  /** Per-round b/a. */
  ratios: number[]
}

function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((p, q) => p - q)
}

function medianOf(xs: readonly number[]): number {
  const s = sorted(xs)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** Times `a` and `b` in alternating rounds. */
export async function timeInterleaved(
  a: () => unknown,
  b: () => unknown,
  o: InterleaveOptions,
): Promise<Interleaved> {
  for (let i = 0; i < (o.warmup ?? 2); i++) {
    await a()
    await b()
  }
  const aMs: number[] = []
  const bMs: number[] = []
  const ratios: number[] = []
  const start = o.now()
  while (aMs.length < o.minSamples || o.now() - start < o.timeMs) {
    const t0 = o.now()
    await a()
    const t1 = o.now()
    await b()
    const t2 = o.now()
    aMs.push(t1 - t0)
    bMs.push(t2 - t1)
    ratios.push((t2 - t1) / Math.max(t1 - t0, 1e-6))
  }
  return { aMs, bMs, ratios }
}

/** 95% distribution-free interval of the median (normal approximation of the binomial ranks). */
export function medianInterval(xs: readonly number[]): [number, number] {
  const s = sorted(xs)
  const n = s.length
  const half = 1.96 * Math.sqrt(n) * 0.5
  const lo = Math.max(0, Math.floor(n / 2 - half))
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1)
  return [s[lo] as number, s[Math.max(lo, hi)] as number]
}

/**
 * Metrics of an interleaved run where `a` is the method and `b` the dense baseline:
 * `latency_ms` (method), `baseline_ms` (same-run baseline), `speedup` = median of per-round
 * baseline/method with `speedup_lo` / `speedup_hi` its 95% interval.
 */
export function interleavedMetrics(r: Interleaved): Metrics {
  const [lo, hi] = medianInterval(r.ratios)
  return {
    latency_ms: metric(medianOf(r.aMs), 'ms', 'lower', r.aMs),
    baseline_ms: metric(medianOf(r.bMs), 'ms', 'lower', r.bMs),
    speedup: metric(medianOf(r.ratios), 'x', 'higher'),
    speedup_lo: metric(lo, 'x', 'higher'),
    speedup_hi: metric(hi, 'x', 'higher'),
  }
}
