/**
 * The GNTP study's cross-arm summary, a pure function of the `gntp` suite's records:
 *   - time per epoch and per goal against |F| on the kinship KBs, the fitted log-log slopes per
 *     arm, and the NTP / GNTP speed ratio per size
 *   - GNTP minus NTP filtered MRR and Hits@10 where both were trained
 *   - Countries AUC-PR per split, and the mentions runs beside the all-facts run (S2)
 */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

const mean = (xs: readonly number[]) =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN
const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–')

/** Least-squares slope of log y on log x. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  const ps = points
    .filter(([x, y]) => x > 0 && y > 0)
    .map(([x, y]) => [Math.log(x), Math.log(y)] as const)
  if (ps.length < 2) return Number.NaN
  const mx = mean(ps.map((p) => p[0]))
  const my = mean(ps.map((p) => p[1]))
  const sxy = ps.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0)
  const sxx = ps.reduce((a, [x]) => a + (x - mx) ** 2, 0)
  return sxx > 0 ? sxy / sxx : Number.NaN
}

const PROVERS = ['ntp', 'gntp-exact', 'gntp']

/** Mean of a metric over the ok records of (subject id, dataset point). */
function table(records: readonly TrialRecord[]) {
  const cells = new Map<string, Map<string, number[]>>()
  for (const r of records) {
    if (r.status !== 'ok' || r.suite !== 'gntp') continue
    const point = `${r.dataset.id}|${JSON.stringify(r.dataset.params)}`
    const key = `${r.subject.id}|${point}`
    const cell = cells.get(key) ?? new Map<string, number[]>()
    for (const [name, m] of Object.entries(r.metrics))
      cell.set(name, [...(cell.get(name) ?? []), m.value])
    cells.set(key, cell)
  }
  return (subject: string, point: string, metric: string) =>
    mean(cells.get(`${subject}|${point}`)?.get(metric) ?? [])
}

function points(records: readonly TrialRecord[], datasetId: string) {
  const seen = new Map<string, Record<string, unknown>>()
  for (const r of records)
    if (r.suite === 'gntp' && r.dataset.id === datasetId)
      seen.set(`${r.dataset.id}|${JSON.stringify(r.dataset.params)}`, r.dataset.params)
  return [...seen.entries()]
}

export function renderGntpSummary(records: readonly TrialRecord[]): string {
  const get = table(records)
  const out: string[] = ['## gntp: scaling, GNTP vs NTP, Countries', '']
  const kin = points(records, 'kinship').sort((a, b) => Number(a[1].facts) - Number(b[1].facts))
  if (kin.length > 0) {
    out.push(
      'Time per epoch (s; extrapolated from timed batches above `trainUpTo`) and per goal (ms) vs the training facts F:',
      '',
    )
    out.push(
      `| F | ${PROVERS.map((p) => `${p} epoch_s | ${p} goal_ms`).join(' | ')} | NTP/GNTP epoch | NTP/GNTP-exact epoch |`,
    )
    out.push(`|---|${PROVERS.map(() => '---|---').join('|')}|---|---|`)
    for (const [pt] of kin) {
      const facts = get('gntp', pt, 'facts')
      const cells = PROVERS.map(
        (p) => `${f(get(p, pt, 'epoch_s'), 2)} | ${f(get(p, pt, 'goal_ms'), 3)}`,
      )
      const ratio = get('ntp', pt, 'epoch_s') / get('gntp', pt, 'epoch_s')
      const ratioExact = get('ntp', pt, 'epoch_s') / get('gntp-exact', pt, 'epoch_s')
      out.push(`| ${f(facts, 0)} | ${cells.join(' | ')} | ${f(ratio, 1)} | ${f(ratioExact, 1)} |`)
    }
    out.push(
      '',
      '| arm | log-log slope, epoch time vs F | slope, time per goal vs F | slope, unifications+searches per goal |',
      '|---|---|---|---|',
    )
    for (const p of PROVERS) {
      const series = (m: string) => kin.map(([pt]) => [get(p, pt, 'facts'), get(p, pt, m)] as const)
      const work = kin.map(
        ([pt]) =>
          [
            get(p, pt, 'facts'),
            get(p, pt, 'unifications_per_goal') + get(p, pt, 'searches_per_goal'),
          ] as const,
      )
      out.push(
        `| ${p} | ${f(logLogSlope(series('epoch_s')), 2)} | ${f(logLogSlope(series('goal_ms')), 2)} | ${f(logLogSlope(work), 2)} |`,
      )
    }
    out.push(
      '',
      'GNTP minus NTP where both were trained (mean over seeds):',
      '',
      '| F | arm | MRR | Δ MRR | Hits@10 | Δ Hits@10 |',
      '|---|---|---|---|---|---|',
    )
    for (const [pt] of kin) {
      const ntpMrr = get('ntp', pt, 'mrr')
      if (!Number.isFinite(ntpMrr)) continue
      for (const p of ['gntp', 'gntp-exact']) {
        const mrr = get(p, pt, 'mrr')
        const h = get(p, pt, 'hits10')
        out.push(
          `| ${f(get(p, pt, 'facts'), 0)} | ${p} | ${f(mrr)} | ${f(mrr - ntpMrr)} | ${f(h)} | ${f(h - get('ntp', pt, 'hits10'))} |`,
        )
      }
    }
  }
  const countries = points(records, 'countries').sort((a, b) =>
    String(a[1].split).localeCompare(String(b[1].split)),
  )
  if (countries.length > 0) {
    const arms = ['gntp', 'gntp-exact', 'ntp', 'complex', 'distmult']
    out.push(
      '',
      'Countries AUC-PR (mean over seeds):',
      '',
      `| split | ${arms.join(' | ')} |`,
      `|---|${arms.map(() => '---').join('|')}|`,
    )
    for (const [pt, params] of countries)
      out.push(`| ${params.split} | ${arms.map((a) => f(get(a, pt, 'auc_pr'))).join(' | ')} |`)
    const mentions = points(records, 'countries-mentions')
    const s2 = countries.find(([, p]) => p.split === 'S2')
    if (mentions.length > 0) {
      out.push(
        '',
        'Mentions (GNTP AUC-PR, S2, 30 % of neighborOf facts):',
        '',
        '| run | AUC-PR |',
        '|---|---|',
      )
      if (s2) out.push(`| all facts | ${f(get('gntp', s2[0], 'auc_pr'))} |`)
      for (const [pt, params] of mentions)
        out.push(
          `| ${params.mentionMode === 'deleted' ? 'facts deleted, no mentions' : 'mentions replace the facts'} | ${f(get('gntp', pt, 'auc_pr'))} |`,
        )
    }
  }
  return out.join('\n')
}

export const gntpSummary: SuiteSummary = { suite: 'gntp', render: renderGntpSummary }
