/**
 * Aggregation of records: trials that differ only in their seed repetition form one group
 * (suite × subject × subject params × dataset × dataset params); each metric is summarised over
 * the group's repetitions. A timed metric contributes its per-trial value (the median of its
 * samples); its pooled samples are kept for IQR and for comparisons.
 */
import { canonicalJson } from '../hash.ts'
import type { TrialRecord } from '../store/record.ts'
import type { Better } from '../types.ts'
import { median, quantile, type Summary, summarize } from './describe.ts'

export interface MetricAggregate extends Summary {
  unit: string
  better: Better
  /** The per-repetition values, in repetition order. */
  values: number[]
  /** Median of the pooled samples (timed metrics), else of the per-repetition values. */
  sampleMedian: number
  /** Every raw sample of every repetition (timed metrics only). */
  samples: number[]
  /** Q1 and Q3 of the pooled samples, or of the per-seed values when there are none. */
  q1: number
  q3: number
}

export interface RecordGroup {
  suite: string
  subject: TrialRecord['subject']
  dataset: TrialRecord['dataset']
  /** Repetitions that finished `ok`. */
  n: number
  /** Records in the group that failed or were skipped, with their messages. */
  failures: { status: 'error' | 'skipped'; message: string }[]
  metrics: Record<string, MetricAggregate>
  annotations: Record<string, string | number | boolean>
}

export function groupKey(r: Pick<TrialRecord, 'suite' | 'subject' | 'dataset'>): string {
  return canonicalJson({ suite: r.suite, subject: r.subject, dataset: r.dataset })
}

/**
 * The last record per trial config wins: a --force re-run, or a re-run after a commit (a new key
 * for the same config), supersedes the earlier record, so a report never mixes code versions.
 */
export function latestPerTrial(records: readonly TrialRecord[]): TrialRecord[] {
  const byConfig = new Map<string, TrialRecord>()
  for (const r of records) byConfig.set(r.configKey, r)
  return [...byConfig.values()]
}

export function aggregate(records: readonly TrialRecord[]): RecordGroup[] {
  const groups = new Map<string, TrialRecord[]>()
  for (const r of latestPerTrial(records)) {
    const k = groupKey(r)
    const list = groups.get(k)
    if (list) list.push(r)
    else groups.set(k, [r])
  }
  return [...groups.values()].map((rs) => {
    const first = rs[0] as TrialRecord
    const ok = rs.filter((r) => r.status === 'ok').sort((a, b) => a.repetition - b.repetition)
    const names = [...new Set(ok.flatMap((r) => Object.keys(r.metrics)))]
    const metrics: Record<string, MetricAggregate> = {}
    for (const name of names) {
      const ms = ok.flatMap((r) => (r.metrics[name] ? [r.metrics[name]] : []))
      const values = ms.map((m) => m.value)
      const samples = ms.flatMap((m) => m.samples ?? [])
      const spread = samples.length > 0 ? samples : values
      const m0 = ms[0]
      if (!m0) continue
      metrics[name] = {
        ...summarize(values),
        unit: m0.unit,
        better: m0.better,
        values,
        sampleMedian: median(spread),
        samples,
        q1: quantile(spread, 0.25),
        q3: quantile(spread, 0.75),
      }
    }
    const annotations: Record<string, string | number | boolean> = {}
    for (const r of ok) Object.assign(annotations, r.annotations)
    return {
      suite: first.suite,
      subject: first.subject,
      dataset: first.dataset,
      n: ok.length,
      failures: rs
        .filter((r) => r.status !== 'ok')
        .map((r) => ({ status: r.status as 'error' | 'skipped', message: r.message ?? '' })),
      metrics,
      annotations,
    }
  })
}
