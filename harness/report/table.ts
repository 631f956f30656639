/**
 * Comparison tables, a pure function of records:
 *
 *   records ─ aggregate over seeds ─ rows (subject × params × dataset point) ─ ratio to the
 *   suite's baseline on the same dataset point ─ Markdown / CSV
 *
 * Cells: timed metrics (those with raw samples) show median [Q1, Q3] of the pooled samples;
 * other metrics show mean ± half-width of the 95% t interval over seeds. The ratio column is
 * oriented so that > 1 is better: baseline/subject for lower-is-better metrics (a speedup),
 * subject/baseline otherwise, as a ratio of medians with a seeded bootstrap 95% CI.
 */
import Papa from 'papaparse'
import { canonicalJson } from '../hash.ts'
import { Rng } from '../run/rng.ts'
import type { ResolvedSuite } from '../spec/resolve.ts'
import type { TableSpec } from '../spec/schema.ts'
import { aggregate, type MetricAggregate, type RecordGroup } from '../stats/aggregate.ts'
import { bootstrapRatioOfMedians } from '../stats/compare.ts'
import type { TrialRecord } from '../store/record.ts'
import type { LatexTable } from './latex.ts'
import { metricPoint } from './points.ts'

export interface Ratio {
  value: number
  lo: number
  hi: number
  metric: string
  /** The subject id the ratio is against. */
  baseline: string
}

export interface TableRow {
  /** Row labels: subject, dataset and the parameters that vary. */
  labels: Record<string, string>
  group: RecordGroup
  ratio: Ratio | undefined
}

export interface ReportTable {
  suite: string
  name: string
  title: string
  baseline: string | undefined
  labelColumns: string[]
  metrics: string[]
  rows: TableRow[]
}

/** What a table needs of a suite: a resolved suite, or the same fields from a saved one. */
export type TableSuite = Pick<ResolvedSuite, 'name' | 'baseline' | 'tables'> &
  Partial<Pick<ResolvedSuite, 'baselineOf'>>

function paramLabel(v: unknown): string {
  return typeof v === 'object' ? canonicalJson(v) : String(v)
}

/** Parameters whose value differs between groups: they label the rows. */
function varyingParams(groups: readonly RecordGroup[], hide: readonly string[]): string[] {
  const values = new Map<string, Set<string>>()
  for (const g of groups) {
    for (const [k, v] of [
      ...Object.entries(g.dataset.params),
      ...Object.entries(g.subject.params),
    ]) {
      let s = values.get(k)
      if (!s) values.set(k, (s = new Set()))
      s.add(paramLabel(v))
    }
  }
  return [...values.entries()].filter(([k, s]) => s.size > 1 && !hide.includes(k)).map(([k]) => k)
}

function sameDatasetPoint(a: RecordGroup, b: RecordGroup): boolean {
  return (
    a.dataset.id === b.dataset.id &&
    canonicalJson(a.dataset.params) === canonicalJson(b.dataset.params)
  )
}

/** The baseline group for a row: same dataset point, and the best match on shared subject params. */
function findBaseline(
  row: RecordGroup,
  candidates: readonly RecordGroup[],
): RecordGroup | undefined {
  const same = candidates.filter((c) => sameDatasetPoint(c, row))
  if (same.length <= 1) return same[0]
  const score = (c: RecordGroup) =>
    Object.entries(c.subject.params).filter(
      ([k, v]) => paramLabel(row.subject.params[k]) === paramLabel(v),
    ).length
  return same.reduce((best, c) => (score(c) > score(best) ? c : best))
}

function ratioOf(
  metric: string,
  row: MetricAggregate,
  base: MetricAggregate,
  baseline: string,
  seed: string,
): Ratio | undefined {
  const pick = (m: MetricAggregate) => (m.samples.length > 0 ? m.samples : m.values)
  const [a, b] = row.better === 'lower' ? [pick(base), pick(row)] : [pick(row), pick(base)]
  if (a.length === 0 || b.length === 0) return undefined
  try {
    const r = bootstrapRatioOfMedians(a, b, { rng: new Rng(0).fork(seed), resamples: 400 })
    return { value: r.ratio, lo: r.lo, hi: r.hi, metric, baseline }
  } catch {
    return undefined
  }
}

/** Build the suite's declared tables (or one table of every metric) from its records. */
export function buildTables(suite: TableSuite, records: readonly TrialRecord[]): ReportTable[] {
  const groups = aggregate(records.filter((r) => r.suite === suite.name))
  const allMetrics = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))]
  const specs: TableSpec[] =
    suite.tables.length > 0
      ? suite.tables
      : allMetrics.length > 0
        ? [{ name: 'all', metrics: allMetrics }]
        : []
  // A subject may be paired with its own baseline (same thread count, say); else the suite's.
  const baselineOf = (id: string) => suite.baselineOf?.[id] ?? suite.baseline
  return specs.map((spec) => {
    const params = varyingParams(groups, spec.hide ?? [])
    const datasets = new Set(groups.map((g) => g.dataset.id))
    const labelColumns = ['subject', ...(datasets.size > 1 ? ['dataset'] : []), ...params]
    const primary = spec.metrics[0] as string
    const rows = groups.map((group): TableRow => {
      const labels: Record<string, string> = {
        subject: group.subject.id,
        dataset: group.dataset.id,
      }
      for (const p of params) {
        const v = group.dataset.params[p] ?? group.subject.params[p]
        labels[p] = v === undefined ? '' : paramLabel(v)
      }
      const baseId = baselineOf(group.subject.id)
      const base =
        baseId !== undefined
          ? findBaseline(
              group,
              groups.filter((g) => g.subject.id === baseId),
            )
          : undefined
      const m = group.metrics[primary]
      const bm = base?.metrics[primary]
      const ratio =
        m && bm && baseId !== undefined
          ? ratioOf(primary, m, bm, baseId, canonicalJson([group.subject, group.dataset]))
          : undefined
      return { labels, group, ratio }
    })
    return {
      suite: suite.name,
      name: spec.name,
      title: spec.title ?? `${suite.name}: ${spec.name}`,
      baseline: suite.baseline,
      labelColumns,
      metrics: spec.metrics,
      rows,
    }
  })
}

/** 4 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2)
  const digits = Math.max(0, 3 - Math.floor(Math.log10(a)))
  return x.toFixed(Math.min(digits, 6))
}

export function formatCell(m: MetricAggregate | undefined): string {
  if (!m) return '–'
  // The median and quartiles of the same pooled samples (as figures and LaTeX show them).
  if (m.samples.length > 0)
    return `${formatNumber(m.sampleMedian)} [${formatNumber(m.q1)}, ${formatNumber(m.q3)}]`
  const half = (m.ci.hi - m.ci.lo) / 2
  return m.n > 1 ? `${formatNumber(m.mean)} ± ${formatNumber(half)}` : formatNumber(m.mean)
}

function ratioHeader(t: ReportTable): string {
  return `${t.metrics[0]} vs ${t.baseline} (×, >1 better)`
}

export function tableToMarkdown(t: ReportTable): string {
  const unitOf = (metric: string) =>
    t.rows.find((r) => r.group.metrics[metric])?.group.metrics[metric]
  const metricHeaders = t.metrics.map((m) => {
    const a = unitOf(m)
    const how = a ? (a.samples.length > 0 ? 'median [Q1, Q3]' : 'mean ± 95% CI') : ''
    return `${m}${a?.unit ? ` (${a.unit})` : ''}${how ? `<br>${how}` : ''}`
  })
  const hasRatio = t.baseline !== undefined
  const header = [...t.labelColumns, 'n', ...metricHeaders, ...(hasRatio ? [ratioHeader(t)] : [])]
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < t.labelColumns.length ? ' --- ' : ' ---: ')).join('|')}|`,
  ]
  for (const r of t.rows) {
    const ratio = r.ratio
      ? `${r.ratio.value.toFixed(2)} [${r.ratio.lo.toFixed(2)}, ${r.ratio.hi.toFixed(2)}]${r.ratio.baseline !== t.baseline ? ` vs ${r.ratio.baseline}` : ''}`
      : '–'
    const cells = [
      ...t.labelColumns.map((c) => r.labels[c] ?? ''),
      String(r.group.n),
      ...t.metrics.map((m) => formatCell(r.group.metrics[m])),
      ...(hasRatio ? [r.group.subject.id === t.baseline ? '1 (baseline)' : ratio] : []),
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  const failures = t.rows.flatMap((r) =>
    r.group.failures.map(
      (f) => `- ${r.group.subject.id} on ${r.group.dataset.id}: ${f.status}: ${f.message}`,
    ),
  )
  return [
    `### ${t.title}`,
    '',
    ...lines,
    ...(failures.length ? ['', 'Not measured:', ...new Set(failures)] : []),
    '',
  ].join('\n')
}

/** Long format: one row per table row and metric. */
export function tablesToCsv(tables: readonly ReportTable[]): string {
  const labelKeys = [...new Set(tables.flatMap((t) => t.labelColumns))]
  const rows: Record<string, string | number>[] = []
  for (const t of tables) {
    for (const r of t.rows) {
      for (const metric of t.metrics) {
        const m = r.group.metrics[metric]
        if (!m) continue
        const isPrimary = metric === t.metrics[0]
        rows.push({
          suite: t.suite,
          table: t.name,
          ...Object.fromEntries(labelKeys.map((k) => [k, r.labels[k] ?? ''])),
          metric,
          unit: m.unit,
          better: m.better,
          n: m.n,
          mean: m.mean,
          ci_lo: m.ci.lo,
          ci_hi: m.ci.hi,
          median: m.median,
          q1: m.q1,
          q3: m.q3,
          baseline: r.ratio?.baseline ?? t.baseline ?? '',
          ratio: isPrimary && r.ratio ? r.ratio.value : '',
          ratio_lo: isPrimary && r.ratio ? r.ratio.lo : '',
          ratio_hi: isPrimary && r.ratio ? r.ratio.hi : '',
        })
      }
    }
  }
  return `${Papa.unparse(rows, { newline: '\n' })}\n`
}

/** The same table as a booktabs LaTeX model: one row per table row, value ± CI per metric. */
export function tableToLatexModel(t: ReportTable): LatexTable {
  return {
    caption: t.title,
    label: `tab:${t.suite}-${t.name}`,
    rowHeader: t.labelColumns.join(', '),
    columns: t.metrics.map((metric) => {
      const m = t.rows.find((r) => r.group.metrics[metric])?.group.metrics[metric]
      // Three significant digits at the column's typical magnitude.
      const typical = Math.abs(m?.median ?? 1) || 1
      const digits = Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(typical))))
      return {
        key: metric,
        label: metric,
        digits,
        ...(m ? { better: m.better } : {}),
        ...(m?.unit ? { unit: m.unit } : {}),
      }
    }),
    rows: t.rows.map((r) => ({
      label: t.labelColumns.map((c) => r.labels[c] ?? '').join(', '),
      cells: Object.fromEntries(
        t.metrics.map((metric) => {
          const m = r.group.metrics[metric]
          if (!m) return [metric, null]
          const p = metricPoint(m)
          return [
            metric,
            {
              mean: p.value,
              n: p.n,
              ...(p.lo !== undefined && p.hi !== undefined ? { lo: p.lo, hi: p.hi } : {}),
            },
          ]
        }),
      ),
    })),
  }
}
