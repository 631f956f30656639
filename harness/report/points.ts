/**
 * One number and its interval per metric of a record group, as figures and LaTeX tables show it:
 * timed metrics (raw samples) as the median of the pooled samples with its order-statistic 95%
 * CI; other metrics as the mean over seeds with its 95% t interval.
 */
import type { MetricAggregate, RecordGroup } from '../stats/aggregate.ts'
import { medianInterval } from '../stats/describe.ts'
import type { FigureRow } from './figure.ts'

export interface MetricPoint {
  value: number
  /** The interval; absent for a single seed of an untimed metric (no spread known). */
  lo?: number
  hi?: number
  n: number
}

export function metricPoint(m: MetricAggregate): MetricPoint {
  if (m.samples.length > 1) {
    const ci = medianInterval(m.samples)
    return { value: m.sampleMedian, lo: ci.lo, hi: ci.hi, n: m.n }
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
      const p = metricPoint(m)
      row[name] = p.value
      row[`${name}_lo`] = p.lo ?? null
      row[`${name}_hi`] = p.hi ?? null
    }
    return row
  })
}
