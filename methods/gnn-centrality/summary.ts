/**
 * The centrality study's report section, a pure function of the `gnn-centrality` suite's records:
 * the paper-style table (pairwise accuracy per centrality for the multitask GNN, the four
 * single-task GNNs and the degree heuristic), generalisation to larger sizes, unseen families
 * and real graphs, the brief's pass criteria with the measured numbers, and the figure of accuracy
 * against graph size per centrality.
 */
import { CENTRALITIES, type Centrality } from '../../datasets/centrality-measures.ts'
import type { FigureRow } from '../../harness/report/figure.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import { aggregate, type RecordGroup } from '../../harness/stats/aggregate.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

export const MULTITASK = 'gnn-centrality'
export const SINGLE_TASK = 'gnn-centrality-single-task'
export const DEGREE = 'centrality-degree-heuristic'

/** The three arms of the comparison; the single-task arm is one group per centrality. */
export interface Arms {
  multi: RecordGroup | undefined
  single: Partial<Record<Centrality, RecordGroup>>
  degree: RecordGroup | undefined
}

export function arms(records: readonly TrialRecord[]): Arms {
  const groups = aggregate(records.filter((r) => r.status === 'ok'))
  const single: Arms['single'] = {}
  for (const g of groups.filter((x) => x.subject.name === SINGLE_TASK)) {
    const task = (g.subject.params.task ?? 'betweenness') as Centrality
    single[task] = g
  }
  return {
    multi: groups.find((g) => g.subject.name === MULTITASK),
    single,
    degree: groups.find((g) => g.subject.name === DEGREE),
  }
}

const mean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite)
  return f.length === 0 ? Number.NaN : f.reduce((a, b) => a + b, 0) / f.length
}
const val = (g: RecordGroup | undefined, m: string) => g?.metrics[m]?.mean ?? Number.NaN
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–')
const pm = (g: RecordGroup | undefined, m: string) => {
  const a = g?.metrics[m]
  if (!a || !Number.isFinite(a.mean)) return '–'
  return a.n > 1 ? `${a.mean.toFixed(1)} ± ${a.sd.toFixed(1)}` : a.mean.toFixed(1)
}

/** The single-task arm's value of a per-centrality metric `${prefix}_${c}`. */
const singleVal = (a: Arms, prefix: string, c: Centrality) => val(a.single[c], `${prefix}_${c}`)

/** The brief's criteria, each with the measured numbers (points of pairwise accuracy, %). */
export function criteria(a: Arms): { text: string; pass: boolean }[] {
  const multiMean = val(a.multi, 'acc_mean')
  const accs = CENTRALITIES.map((c) => val(a.multi, `acc_${c}`))
  const singleMean = mean(CENTRALITIES.map((c) => singleVal(a, 'acc', c)))
  const out: { text: string; pass: boolean }[] = []
  const best = CENTRALITIES[accs.indexOf(Math.max(...accs))]
  out.push({
    text: `multitask mean test accuracy ${f1(multiMean)} % ≥ 85 (paper 89), highest on degree (highest: ${best}, ${f1(Math.max(...accs))})`,
    pass: multiMean >= 85 && best === 'degree',
  })
  out.push({
    text: `multitask within 2 points of the single-task mean: ${f1(multiMean)} vs ${f1(singleMean)} (Δ ${f1(multiMean - singleMean)})`,
    pass: Math.abs(multiMean - singleMean) <= 2 || multiMean > singleMean,
  })
  for (const c of ['betweenness', 'closeness', 'eigenvector'] as const) {
    const d = val(a.multi, `acc_${c}`) - val(a.degree, `acc_${c}`)
    out.push({
      text: `beats the degree heuristic on ${c} by ≥ 3 points: ${f1(val(a.multi, `acc_${c}`))} vs ${f1(val(a.degree, `acc_${c}`))} (+${f1(d)})`,
      pass: d >= 3,
    })
  }
  const dx = val(a.multi, 'drop_extreme')
  out.push({
    text: `larger graphs (extreme split) drop ≤ 8 points: ${f1(val(a.multi, 'extreme_mean'))} vs ${f1(multiMean)} (drop ${f1(dx)})`,
    pass: dx <= 8,
  })
  const du = val(a.multi, 'drop_unseen')
  out.push({
    text: `unseen families (BA, shell) drop ≤ 5 points: ${f1(val(a.multi, 'unseen_mean'))} vs ${f1(multiMean)} (drop ${f1(du)})`,
    pass: du <= 5,
  })
  out.push({
    text: `real graphs mean accuracy ≥ 75: ${f1(val(a.multi, 'real_mean'))}`,
    pass: val(a.multi, 'real_mean') >= 75,
  })
  return out
}

export function renderCentrality(records: readonly TrialRecord[]): string {
  const a = arms(records)
  const lines: string[] = ['## gnn-centrality: paper-style tables', '']
  lines.push(
    'Pairwise accuracy on the test graphs (training families and sizes), %, mean ± sd over seeds. The single-task row takes each column from the network trained on that centrality.',
    '',
    '| model | betweenness | closeness | degree | eigenvector | mean | AUC mean | P@10 mean |',
    '|---|---|---|---|---|---|---|---|',
  )
  const order = ['betweenness', 'closeness', 'degree', 'eigenvector'] as const
  const row = (label: string, g: RecordGroup | undefined) =>
    `| ${label} | ${order.map((c) => pm(g, `acc_${c}`)).join(' | ')} | ${pm(g, 'acc_mean')} | ${pm(g, 'auc_mean')} | ${pm(g, 'p10_mean')} |`
  if (a.multi) lines.push(row('multitask GNN', a.multi))
  if (Object.keys(a.single).length > 0) {
    const cells = order.map((c) => pm(a.single[c], `acc_${c}`))
    const m = mean(CENTRALITIES.map((c) => singleVal(a, 'acc', c)))
    const auc = mean(CENTRALITIES.map((c) => singleVal(a, 'auc', c)))
    const p10 = mean(CENTRALITIES.map((c) => singleVal(a, 'p10', c)))
    lines.push(`| single-task GNNs | ${cells.join(' | ')} | ${f1(m)} | ${f1(auc)} | ${f1(p10)} |`)
  }
  if (a.degree) lines.push(row('degree heuristic', a.degree))
  lines.push(
    '',
    'Generalisation (mean accuracy over the four centralities, %): larger graphs of the training families, unseen families at the training sizes, real graphs.',
    '',
  )
  const realNames = [
    ...new Set(
      [a.multi, a.degree].flatMap((g) =>
        Object.keys(g?.metrics ?? {})
          .filter(
            (k) =>
              k.startsWith('real_') &&
              k !== 'real_mean' &&
              !CENTRALITIES.some((c) => k === `real_${c}`),
          )
          .map((k) => k.slice(5)),
      ),
    ),
  ]
  lines.push(
    `| model | test | larger | unseen | real | ${realNames.join(' | ')} |`,
    `|---|---|---|---|---|${realNames.map(() => '---|').join('')}`,
  )
  for (const [label, g] of [
    ['multitask GNN', a.multi],
    ['degree heuristic', a.degree],
  ] as const)
    if (g)
      lines.push(
        `| ${label} | ${pm(g, 'acc_mean')} | ${pm(g, 'extreme_mean')} | ${pm(g, 'unseen_mean')} | ${pm(g, 'real_mean')} | ${realNames.map((n) => pm(g, `real_${n}`)).join(' | ')} |`,
      )
  if (a.multi) {
    lines.push('', 'Criteria of the brief (multitask GNN, means over seeds):', '')
    for (const c of criteria(a)) lines.push(`- ${c.pass ? 'PASS' : 'FAIL'}: ${c.text}`)
  }
  return `${lines.join('\n')}\n`
}

/** Rows (model, n band centre, centrality, accuracy) from the `size<lo>_<c>` metrics. */
export function sizeRows(records: readonly TrialRecord[]): FigureRow[] {
  const a = arms(records)
  const rows: FigureRow[] = []
  const add = (label: string, g: RecordGroup | undefined, only?: Centrality) => {
    for (const [name, m] of Object.entries(g?.metrics ?? {})) {
      const hit = /^size(\d+)_(\w+)$/.exec(name)
      if (!hit || (only && hit[2] !== only)) continue
      rows.push({
        model: label,
        n: Number(hit[1]) + 16,
        centrality: hit[2] as string,
        accuracy: m.mean,
      })
    }
  }
  add('multitask GNN', a.multi)
  for (const c of CENTRALITIES) add('single-task GNN', a.single[c], c)
  add('degree heuristic', a.degree)
  return rows.sort((x, y) => (x.n as number) - (y.n as number))
}

export const centralitySummary: SuiteSummary = {
  suite: 'gnn-centrality',
  render: renderCentrality,
  figures(records) {
    return [
      {
        figure: {
          name: 'accuracy-vs-size',
          title: 'Pairwise accuracy vs graph size per centrality (bands of 32 vertices)',
          x: 'n',
          y: 'accuracy',
          color: 'model',
          facet: 'centrality',
          mark: 'line',
          xTitle: 'vertices (band centre)',
          yTitle: 'pairwise accuracy (%)',
        },
        rows: sizeRows(records),
      },
    ]
  },
}
