/**
 * The QA study's paired comparisons, a pure function of the `qa` / `qa-ablations` records: per
 * dataset, AMANDA minus every other reader, per repetition and root seed (every reader of a
 * repetition trains on the same generated data, so the pairing removes the data's share of the seed spread), as a
 * mean with a paired t interval, next to the criterion for that reader:
 *
 *   bidaf               AMANDA ahead by >= 3 F1
 *   each ablation       AMANDA ahead by >= 1 F1 (the component helps)
 *
 * A criterion "holds" when the interval's lower end clears it, "mean only" when the mean does but
 * the interval reaches below it, and "does not hold" when the mean falls short.
 */
import { canonicalJson } from '../../harness/hash.ts'
import type { FigureRow } from '../../harness/report/figure.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import { aggregate, latestPerTrial } from '../../harness/stats/aggregate.ts'
import { pairedBySeed } from '../../harness/stats/compare.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

/** The reader every other one is compared with. */
const REFERENCE = 'amanda'
/** Lead AMANDA must keep over each reader, F1 points. */
export function requiredLead(subject: string): number {
  return subject === 'bidaf' ? 3 : 1
}
/** Overall F1 first, then the multi-sentence tags the brief singles out. */
const METRICS = ['f1', 'f1_2_hop', 'f1_coref'] as const

export type Verdict = 'holds' | 'mean only' | 'does not hold' | 'too few seeds'

export interface PairedRow {
  dataset: string
  subject: string
  metric: string
  n: number
  /** AMANDA − subject, F1 points, with its 95% paired t interval. */
  mean: number
  lo: number
  hi: number
  p: number
  required: number
  verdict: Verdict
}

export function verdictOf(mean: number, lo: number, required: number, n: number): Verdict {
  if (n < 2) return 'too few seeds'
  if (lo >= required) return 'holds'
  return mean >= required ? 'mean only' : 'does not hold'
}

/** AMANDA − every other reader, per dataset point and metric, paired by repetition. */
export function pairedRows(records: readonly TrialRecord[], suite: string): PairedRow[] {
  const ok = latestPerTrial(records).filter((r) => r.suite === suite && r.status === 'ok')
  // dataset point -> subject -> metric -> (root seed, repetition) -> value
  const cells = new Map<string, Map<string, Map<string, Map<number, number>>>>()
  const names = new Map<string, string>()
  for (const r of ok) {
    const d = canonicalJson({ id: r.dataset.id, p: r.dataset.params })
    names.set(d, r.dataset.id)
    let bySubject = cells.get(d)
    if (!bySubject) cells.set(d, (bySubject = new Map()))
    let byMetric = bySubject.get(r.subject.id)
    if (!byMetric) bySubject.set(r.subject.id, (byMetric = new Map()))
    for (const m of METRICS) {
      const v = r.metrics[m]?.value
      if (v === undefined || !Number.isFinite(v)) continue
      let byRep = byMetric.get(m)
      if (!byRep) byMetric.set(m, (byRep = new Map()))
      // Runs with other root seeds (`--seed`) add independent repetitions.
      byRep.set(r.rootSeed * 1_000_000 + r.repetition, v)
    }
  }
  const rows: PairedRow[] = []
  for (const [d, bySubject] of cells) {
    const ref = bySubject.get(REFERENCE)
    if (!ref) continue
    for (const [subject, byMetric] of bySubject) {
      if (subject === REFERENCE) continue
      for (const m of METRICS) {
        const a = ref.get(m)
        const b = byMetric.get(m)
        if (!a || !b || ![...a.keys()].some((k) => b.has(k))) continue
        const pr = pairedBySeed(a, b)
        const required = requiredLead(subject)
        rows.push({
          dataset: names.get(d) ?? d,
          subject,
          metric: m,
          n: pr.n,
          mean: pr.mean,
          lo: pr.lo ?? Number.NaN,
          hi: pr.hi ?? Number.NaN,
          p: pr.p ?? Number.NaN,
          required,
          verdict: verdictOf(pr.mean, pr.lo ?? Number.NaN, required, pr.n),
        })
      }
    }
  }
  return rows
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–')
const fp = (x: number) => (!Number.isFinite(x) ? '–' : x < 1e-3 ? x.toExponential(1) : x.toFixed(3))

/** The Markdown section: one table per dataset, criterion rows (overall F1) first. */
export function renderPaired(suite: string, rows: readonly PairedRow[]): string {
  if (rows.length === 0) return ''
  const out = [
    `### ${suite}: AMANDA vs each reader, paired by seed`,
    '',
    'AMANDA − reader in F1 points, mean [95% paired t interval] over repetitions (same data per repetition). The criterion is the lead AMANDA must keep: 3 F1 over BiDAF, 1 F1 over each ablation; "holds" needs the interval above it, "mean only" means the mean clears it but the interval does not.',
  ]
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    out.push(
      '',
      `#### ${dataset}`,
      '',
      '| reader | metric | n | AMANDA − reader | p | criterion | verdict |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    )
    const mine = rows.filter((r) => r.dataset === dataset)
    const order = (r: PairedRow) => METRICS.indexOf(r.metric as (typeof METRICS)[number])
    for (const r of [...mine].sort((a, b) => order(a) - order(b))) {
      const criterion = r.metric === 'f1' ? `≥ ${r.required}` : ''
      const verdict = r.metric === 'f1' ? r.verdict : ''
      out.push(
        `| ${r.subject} | ${r.metric} | ${r.n} | ${f1(r.mean)} [${f1(r.lo)}, ${f1(r.hi)}] | ${fp(r.p)} | ${criterion} | ${verdict} |`,
      )
    }
  }
  return `${out.join('\n')}\n`
}

/**
 * Rows (type, subject, f1 with its 95% CI over seeds) of every `f1_<type>` metric, the type
 * prefixed by its dataset when there are several: one figure with a panel per question type, which
 * declarative figures (one metric each) cannot draw.
 */
export function typeRows(records: readonly TrialRecord[], suite: string): FigureRow[] {
  const groups = aggregate(records.filter((r) => r.suite === suite && r.status === 'ok'))
  const datasets = new Set(groups.map((g) => g.dataset.id))
  const rows: FigureRow[] = []
  for (const g of groups)
    for (const [name, m] of Object.entries(g.metrics)) {
      if (!name.startsWith('f1_')) continue
      const type = name.slice(3)
      rows.push({
        type: datasets.size > 1 ? `${g.dataset.id}: ${type}` : type,
        subject: g.subject.id,
        f1: m.mean,
        f1_lo: m.n > 1 ? m.ci.lo : null,
        f1_hi: m.n > 1 ? m.ci.hi : null,
      })
    }
  // Vega-Lite orders the panels by type name.
  return rows
}

function summaryOf(suite: string): SuiteSummary {
  return {
    suite,
    render: (records) => renderPaired(suite, pairedRows(records, suite)),
    figures: (records) => [
      {
        figure: {
          name: 'f1-per-type',
          title: 'Test F1 per question type and reasoning tag (mean, 95% CI over seeds)',
          x: 'subject',
          y: 'f1',
          color: 'subject',
          facet: 'type',
          mark: 'bar',
          xTitle: 'reader',
          yTitle: 'test F1 (%)',
        },
        rows: typeRows(records, suite),
      },
    ],
  }
}

export const qaSummary = summaryOf('qa')
export const qaAblationsSummary = summaryOf('qa-ablations')
