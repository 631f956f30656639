/**
 * A results-table row: the study, the paper's claim (literal text from the brief), and the
 * measured cell as a template whose every number is a query over committed records. The record
 * folders are named once per row (`records`), so pointing a row at a new run is a one-line change.
 */
import { canonicalJson } from '../../harness/hash.ts'
import { Rng } from '../../harness/run/rng.ts'
import { groupKey } from '../../harness/stats/aggregate.ts'
import {
  bootstrapRatioOfMedians,
  type PairedResult,
  pairedBySeed,
} from '../../harness/stats/compare.ts'
import type { Query, RecordDir } from './query.ts'

/** Formats queries of one record folder: each helper returns text for the template. */
export class Cells {
  constructor(readonly dir: RecordDir) {}

  /** The raw value (mean over seeds; median of the samples for a timed metric). */
  v(q: Query): number {
    return this.dir.value(q)
  }

  /** The value with `digits` decimals. */
  mean(q: Query, digits: number): string {
    return fmt(this.v(q), digits)
  }

  /** The value × 100 (a fraction shown as a percentage, without the % sign). */
  pct(q: Query, digits: number): string {
    return fmt(100 * this.v(q), digits)
  }

  /** Mean ± half-width of the 95% t interval over seeds (as `effbench report` shows it). */
  ci(q: Query, digits: number, scale = 1): string {
    const m = this.dir.metric(q)
    return `${fmt(scale * m.mean, digits)} ± ${fmt((scale * (m.ci.hi - m.ci.lo)) / 2, digits)}`
  }

  /** Mean ± sd over seeds. */
  sd(q: Query, digits: number, scale = 1): string {
    const m = this.dir.metric(q)
    return `${fmt(scale * m.mean, digits)} ± ${fmt(scale * m.sd, digits)}`
  }

  /** The lowest per-seed value (a target met on every seed is met by it). */
  lowest(q: Query): number {
    return Math.min(...this.dir.metric(q).values)
  }

  /** The lowest and highest per-seed value, `lo–hi` (one value when they agree). */
  range(q: Query, digits: number): string {
    const lo = fmt(this.lowest(q), digits)
    const hi = fmt(Math.max(...this.dir.metric(q).values), digits)
    return lo === hi ? lo : `${lo}–${hi}`
  }

  /** Median [Q1, Q3] of the pooled samples of a timed metric. */
  iqr(q: Query, digits: number): string {
    const m = this.dir.metric(q)
    return `${fmt(m.sampleMedian, digits)} [${fmt(m.q1, digits)}, ${fmt(m.q3, digits)}]`
  }

  /** value(a) / value(b). */
  ratio(a: Query, b: Query, digits: number): string {
    return fmt(this.v(a) / this.v(b), digits)
  }

  /**
   * How many times better `q` is than `baseline` (baseline/subject for a lower-is-better metric),
   * as a ratio of medians with its bootstrap 95% CI, computed exactly as the ratio column of
   * `effbench report` (harness/report/table.ts): value, lo, hi.
   */
  speedupOf(q: Query, baseline: Query): { value: number; lo: number; hi: number } {
    const row = this.dir.metric(q)
    const base = this.dir.metric(baseline)
    const group = this.dir.group(q)
    const pick = (m: typeof row) => (m.samples.length > 0 ? m.samples : m.values)
    const [a, b] = row.better === 'lower' ? [pick(base), pick(row)] : [pick(row), pick(base)]
    const rng = new Rng(0).fork(canonicalJson([group.subject, group.dataset]))
    const r = bootstrapRatioOfMedians(a, b, { rng, resamples: 400 })
    return { value: r.ratio, lo: r.lo, hi: r.hi }
  }

  /** The speedup as text: 3.39× [3.10, 3.44]. */
  speedup(q: Query, baseline: Query, digits: number): string {
    const r = this.speedupOf(q, baseline)
    return `${fmt(r.value, digits)}× [${fmt(r.lo, digits)}, ${fmt(r.hi, digits)}]`
  }

  /** a − b paired by seed repetition, with its paired t 95% interval (stats/compare.ts). */
  pairedOf(a: Query, b: Query): PairedResult {
    const byRepetition = (q: Query) => {
      const g = this.dir.group(q)
      const ok = this.dir.records
        .filter((r) => r.status === 'ok' && groupKey(r) === groupKey(g) && r.metrics[q.metric])
        .map((r) => [r.repetition, r.metrics[q.metric]?.value as number] as const)
      return new Map(ok)
    }
    return pairedBySeed(byRepetition(a), byRepetition(b))
  }

  /** The paired difference as text: +15.1 [7.5, 22.7]. */
  paired(a: Query, b: Query, digits: number): string {
    const r = this.pairedOf(a, b)
    return `${signed(r.mean, digits)} [${fmt(r.lo ?? Number.NaN, digits)}, ${fmt(r.hi ?? Number.NaN, digits)}]`
  }

  /** value(a) − value(b), signed. */
  diff(a: Query, b: Query, digits: number, scale = 1): string {
    return signed(scale * (this.v(a) - this.v(b)), digits)
  }
}

/** Fixed decimals; a minus sign for negatives, never "-0". */
export function fmt(x: number, digits: number): string {
  const s = x.toFixed(digits)
  return (Number(s) === 0 ? s.replace('-', '') : s).replace('-', '−')
}

/** `n` significant digits, never in exponent form: 0.0607, 16.2, 416. */
export function sig(x: number, n: number): string {
  const digits = Math.max(0, n - 1 - Math.floor(Math.log10(Math.abs(x) || 1)))
  return fmt(x, digits)
}

/** With an explicit sign: +1.2, −0.4. */
export function signed(x: number, digits: number): string {
  const s = fmt(x, digits)
  return s.startsWith('−') || Number(s.replace('−', '-')) === 0 ? s : `+${s}`
}

/** A target's verdict, from the number itself: "≥ 85 met" or "≥ 85 missed". */
export function target(value: number, op: '≥' | '≤', bound: number): string {
  const met = op === '≥' ? value >= bound : value <= bound
  return `${op} ${bound} ${met ? 'met' : 'missed'}`
}

/** Thousands separated by commas, as the README writes counts. */
export function count(x: number): string {
  return Math.round(x).toLocaleString('en-US')
}

/** Least-squares slope of y on x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my)
    sxx += ((xs[i] as number) - mx) ** 2
  }
  return sxy / sxx
}

export interface RowSpec<K extends string = string> {
  /** The study column: the suite and what it compares. */
  study: string
  /** The paper's claim, literal text from the research brief: the paper's number, not ours. */
  claim: string
  /** The record folders the row reads, by a short name: `{ lm: 'hash-layers' }`. */
  records: Record<K, string>
  /** Timing rows say whether each folder's run was quiet or loaded (from env.json). */
  timings?: boolean
  /** The measured cell; every number in it comes from `r.<name>` queries. */
  measured(r: Record<K, Cells>): string
}

/** Type inference for a row (the record names become the keys of `measured`'s argument). */
export function defineRow<K extends string>(row: RowSpec<K>): RowSpec<K> {
  return row
}

export type { RecordDir }
