/**
 * One number and its interval per metric of a record group, as figures and LaTeX tables show it:
 * timed metrics (raw samples) as the median with a seeded bootstrap 95% CI of the median; other
 * metrics as the mean over seeds with its 95% t interval.
 */
import { canonicalJson } from '../hash.ts'
import { Rng } from '../run/rng.ts'
import type { MetricAggregate, RecordGroup } from '../stats/aggregate.ts'
import { bootstrapInterval, median } from '../stats/describe.ts'
import type { FigureRow } from './figure.ts'

export interface MetricPoint {
  value: number
  /** The interval; absent for a single seed of an untimed metric (no spread known). */
  lo?: number
  hi?: number
  n: number
}

export function metricPoint(m: MetricAggregate, label: string): MetricPoint {
  if (m.samples.length > 1) {
    const ci = bootstrapInterval(m.samples, new Rng(0).fork(label), {
      statistic: median,
      resamples: 500,
    })
    return { value: m.median, lo: ci.lo, hi: ci.hi, n: m.n }
  }
  return m.n > 1 ? { value: m.mean, lo: m.ci.lo, hi: m.ci.hi, n: m.n } : { value: m.mean, n: m.n }
}

/** Flat rows for figures: labels, scalar params, and `metric`, `metric_lo`, `metric_hi`. */
export function figureRows(groups: readonly RecordGroup[]): FigureRow[] {
  return groups.map((g) => {
    const row: FigureRow = { subject: g.subject.id, dataset: g.dataset.id }
    for (const [k, v] of [
      ...Object.entries(g.dataset.params),
      ...Object.entries(g.subject.params),
    ]) {
      if (typeof v === 'number' || typeof v === 'string') row[k] = v
      else if (typeof v === 'boolean') row[k] = String(v)
    }
    for (const [name, m] of Object.entries(g.metrics)) {
      const p = metricPoint(m, canonicalJson([g.subject, g.dataset, name]))
      row[name] = p.value
      row[`${name}_lo`] = p.lo ?? null
      row[`${name}_hi`] = p.hi ?? null
    }
    return row
  })
}
