/**
 * Queries over one committed record folder (results/reference/<dir>/), for the README's results
 * table. The records go through the same steps as `effbench report`: read (store/jsonl),
 * normalise defaulted params (store/normalise), latest record per trial, aggregate over seeds
 * (stats/aggregate). A query picks exactly one record group and one of its metrics; anything
 * else (no such folder, no group, several groups, no such metric) throws a QueryError that names
 * the row and the query.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { canonicalJson } from '../../harness/hash.ts'
import {
  aggregate,
  groupKey,
  latestPerTrial,
  type MetricAggregate,
  type RecordGroup,
} from '../../harness/stats/aggregate.ts'
import type { Sitting } from '../../harness/store/env.ts'
import { readRecords } from '../../harness/store/jsonl.ts'
import { normaliseRecords, type ParamsRegistries } from '../../harness/store/normalise.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

/** One metric of one record group: a subject id, and the params that single out its group. */
export interface Query {
  subject: string
  metric: string
  /** Subject or dataset params (or `dataset`, `suite`) the group must have. */
  where?: Record<string, unknown>
  /** Only records of this profile (a folder may hold smoke and default runs). */
  profile?: TrialRecord['profile']
  /**
   * Pool the seeds of every matching group into one (for arms split by a parameter that older
   * records omit and that has no schema default, so normalisation cannot fill it).
   */
  pool?: boolean
}

export class QueryError extends Error {}

/** A run is "quiet" when no 1-minute load average it recorded reaches its core count. */
export function loadState(sittings: readonly Sitting[], cores: number): string {
  const loads = sittings.flatMap((s) => [s.loadStart[0], s.loadEnd?.[0]])
  if (loads.length === 0 || loads.some((l) => l === undefined)) return 'load not recorded'
  const peak = Math.max(...(loads as number[]))
  return peak < cores ? 'quiet' : `loaded: 1-min load up to ${peak.toFixed(1)} on ${cores} cores`
}

/** The records of one folder, aggregated as `effbench report` aggregates them. */
export class RecordDir {
  readonly records: TrialRecord[]
  private readonly byProfile = new Map<string, RecordGroup[]>()

  constructor(
    readonly dir: string,
    readonly row: string,
    registries: ParamsRegistries,
  ) {
    const file = join(dir, 'records.jsonl')
    if (!existsSync(file)) throw new QueryError(`row "${row}": no records at ${file}`)
    this.records = latestPerTrial(normaliseRecords(readRecords(file).records, registries))
  }

  /** The record groups (of one profile, when given), as `effbench report` forms them. */
  groups(profile?: string): RecordGroup[] {
    const key = profile ?? '*'
    let groups = this.byProfile.get(key)
    if (!groups) {
      groups = aggregate(this.records.filter((r) => profile === undefined || r.profile === profile))
      this.byProfile.set(key, groups)
    }
    return groups
  }

  /** The one group a query names; throws when none or several match. */
  group(q: Omit<Query, 'metric'>): RecordGroup {
    // A group whose trials all failed answers no query.
    const hits = this.groups(q.profile).filter((g) => g.n > 0 && matches(g, q))
    const what = `row "${this.row}": query ${describe(q)} in ${this.dir}`
    if (hits.length === 0) throw new QueryError(`${what} matches no record group`)
    if (hits.length > 1 && q.pool) {
      const keys = new Set(hits.map(groupKey))
      const first = hits[0] as RecordGroup
      const pooled = this.records
        .filter(
          (r) => (q.profile === undefined || r.profile === q.profile) && keys.has(groupKey(r)),
        )
        .map((r) => ({ ...r, subject: first.subject, dataset: first.dataset }))
      return aggregate(pooled)[0] as RecordGroup
    }
    if (hits.length > 1)
      throw new QueryError(
        `${what} matches ${hits.length} record groups (they differ in ${differing(hits).join(', ')})`,
      )
    return hits[0] as RecordGroup
  }

  /** The aggregate of one metric over the seeds of one group. */
  metric(q: Query): MetricAggregate {
    const m = this.group(q).metrics[q.metric]
    if (!m)
      throw new QueryError(
        `row "${this.row}": query ${describe(q)} in ${this.dir}: the group has no metric "${q.metric}"`,
      )
    return m
  }

  /** Mean over seeds (median of the pooled samples for a timed metric, as reports show it). */
  value(q: Query): number {
    const m = this.metric(q)
    return m.samples.length > 0 ? m.sampleMedian : m.mean
  }

  /** Sum of the trial durations of the records, in seconds. */
  trialSeconds(): number {
    return this.records.reduce((s, r) => s + r.durationMs, 0) / 1000
  }

  /** "quiet" or "loaded (...)", from the load averages in env.json (see loadState). */
  load(): string {
    const file = join(this.dir, 'env.json')
    if (!existsSync(file)) return 'load not recorded'
    const env = JSON.parse(readFileSync(file, 'utf8'))
    const cores = Math.min(
      ...Object.values(env.environments ?? {}).map((e) => (e as { cores: number }).cores),
    )
    return loadState(env.sittings ?? [], cores)
  }
}

function matches(g: RecordGroup, q: Omit<Query, 'metric'>): boolean {
  if (g.subject.id !== q.subject) return false
  const fields: Record<string, unknown> = {
    ...g.dataset.params,
    ...g.subject.params,
    dataset: g.dataset.id,
    suite: g.suite,
  }
  return Object.entries(q.where ?? {}).every(
    ([k, v]) => k in fields && canonicalJson(fields[k]) === canonicalJson(v),
  )
}

function describe(q: Omit<Query, 'metric'> & { metric?: string }): string {
  return canonicalJson(q)
}

/** Params whose values differ between groups, to say how an ambiguous query could be narrowed. */
function differing(groups: readonly RecordGroup[]): string[] {
  const keys = new Set(
    groups.flatMap((g) => [...Object.keys(g.subject.params), ...Object.keys(g.dataset.params)]),
  )
  const out = [...keys].filter(
    (k) =>
      new Set(groups.map((g) => canonicalJson(g.subject.params[k] ?? g.dataset.params[k]))).size >
      1,
  )
  if (new Set(groups.map((g) => g.dataset.id)).size > 1) out.push('dataset')
  if (new Set(groups.map((g) => g.suite)).size > 1) out.push('suite')
  return out
}
