/**
 * The squeeze-reasoning study's cross-arm summary, a pure function of the suite's records:
 *
 *   accuracy  per dataset variant and subject id (node count for SR): mIoU mean ± sd over seeds,
 *             and the brief's criteria: SR − FCN against the seed noise, SR − non-local,
 *             SR − GloRe, SR − SE (the best SR node count is named, every one is listed)
 *   cost      per head: log-log slopes of latency and peak memory against HW (fitted over the
 *             measured feature sizes), the non-local / SR latency ratio at the largest size, and
 *             GloRe / SR MACs and latency (is GloRe cheaper at these widths?)
 */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { TrialRecord } from '../../harness/store/record.ts'
import { logLogSlope } from '../../studies/segmentation/cost.ts'

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs: readonly number[]) => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))
}
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–')

function task(r: TrialRecord): string {
  return (r.subject.params['task'] as string | undefined) ?? 'segment'
}

/** Row label: the subject id, with SR's node count. */
function arm(r: TrialRecord): string {
  const nodes = r.subject.params['nodes']
  return r.subject.name === 'squeeze-reasoning' ? `sr-n${String(nodes ?? 8)}` : r.subject.name
}

interface Acc {
  arm: string
  miou: number[]
  acc: number[]
  mmacs: number
}

function accuracyRows(records: readonly TrialRecord[], variant: string): Acc[] {
  const rows = new Map<string, Acc>()
  for (const r of records) {
    if (r.status !== 'ok' || task(r) !== 'segment') continue
    if (((r.dataset.params['variant'] as string | undefined) ?? 'mixed') !== variant) continue
    const miou = r.metrics['miou']?.value
    if (miou === undefined) continue
    const key = arm(r)
    const row = rows.get(key) ?? {
      arm: key,
      miou: [],
      acc: [],
      mmacs: r.metrics['head_mmacs']?.value ?? Number.NaN,
    }
    row.miou.push(miou)
    row.acc.push(r.metrics['pixel_acc']?.value ?? Number.NaN)
    rows.set(key, row)
  }
  return [...rows.values()].sort((a, b) => a.arm.localeCompare(b.arm))
}

function renderAccuracy(records: readonly TrialRecord[]): string[] {
  const out: string[] = []
  const variants = [
    ...new Set(
      records
        .filter((r) => task(r) === 'segment')
        .map((r) => (r.dataset.params['variant'] as string | undefined) ?? 'mixed'),
    ),
  ].sort()
  for (const v of variants) {
    const rows = accuracyRows(records, v)
    if (rows.length === 0) continue
    out.push(`### Accuracy, variant \`${v}\``, '')
    out.push(
      '| head | seeds | mIoU % (mean ± sd) | pixel acc % | head MMAC |',
      '|---|---|---|---|---|',
    )
    for (const r of rows)
      out.push(
        `| ${r.arm} | ${r.miou.length} | ${f(mean(r.miou))} ± ${f(sd(r.miou))} | ${f(mean(r.acc))} | ${f(r.mmacs, 3)} |`,
      )
    const by = new Map(rows.map((r) => [r.arm, r]))
    const srs = rows.filter((r) => r.arm.startsWith('sr-'))
    const best = srs.reduce<Acc | undefined>(
      (a, b) => (a === undefined || mean(b.miou) > mean(a.miou) ? b : a),
      undefined,
    )
    const fcn = by.get('fcn')
    if (best) {
      out.push('')
      const sr = mean(best.miou)
      const lines: string[] = []
      if (fcn) {
        const noise = Math.max(sd(best.miou), sd(fcn.miou))
        lines.push(
          `SR (best: ${best.arm}) − FCN = ${f(sr - mean(fcn.miou))} mIoU; seed sd ${f(noise)} → ${sr - mean(fcn.miou) > noise ? 'more' : 'not more'} than seed noise`,
        )
      }
      for (const other of ['non-local', 'glore', 'se-block']) {
        const o = by.get(other)
        if (o) lines.push(`SR − ${other} = ${f(sr - mean(o.miou))} mIoU`)
      }
      for (const s of srs)
        if (fcn) lines.push(`${s.arm} − FCN = ${f(mean(s.miou) - mean(fcn.miou))} mIoU`)
      out.push(...lines.map((l) => `- ${l}`), '')
    }
  }
  return out
}

interface CostSeries {
  arm: string
  /** size -> per-seed medians and peaks */
  ms: Map<number, number[]>
  mib: Map<number, number[]>
  gmacs: Map<number, number>
}

function costSeries(records: readonly TrialRecord[]): CostSeries[] {
  const series = new Map<string, CostSeries>()
  for (const r of records) {
    if (r.status !== 'ok' || task(r) !== 'cost') continue
    const size = r.subject.params['side'] as number
    const key = arm(r)
    const s = series.get(key) ?? { arm: key, ms: new Map(), mib: new Map(), gmacs: new Map() }
    const ms = r.metrics['head_ms']?.value
    const mib = r.metrics['head_peak_mib']?.value
    if (ms !== undefined) s.ms.set(size, [...(s.ms.get(size) ?? []), ms])
    if (mib !== undefined) s.mib.set(size, [...(s.mib.get(size) ?? []), mib])
    s.gmacs.set(size, r.metrics['head_gmacs']?.value ?? Number.NaN)
    series.set(key, s)
  }
  return [...series.values()].sort((a, b) => a.arm.localeCompare(b.arm))
}

/** Fitted exponent of y against HW = size², over the sizes with a positive mean. */
function slope(points: Map<number, number[]>): number {
  const pts = [...points.entries()]
    .map(([s, ys]) => [s * s, mean(ys)] as const)
    .filter(([, y]) => y > 0)
  return logLogSlope(
    pts.map((p) => p[0]),
    pts.map((p) => p[1]),
  )
}

function renderCost(records: readonly TrialRecord[]): string[] {
  const series = costSeries(records)
  if (series.length === 0) return []
  const sizes = [...new Set(series.flatMap((s) => [...s.ms.keys()]))].sort((a, b) => a - b)
  const out = ['### Head cost (head alone, batch 1, inference)', '']
  out.push(
    `| head | ${sizes.map((s) => `ms @${s}²`).join(' | ')} | slope ms/HW | ${sizes.map((s) => `MiB @${s}²`).join(' | ')} | slope MiB/HW | GMAC @${sizes.at(-1)}² |`,
    `|---|${sizes.map(() => '---|').join('')}---|${sizes.map(() => '---|').join('')}---|---|`,
  )
  for (const s of series)
    out.push(
      `| ${s.arm} | ${sizes.map((z) => f(mean(s.ms.get(z) ?? []), 3)).join(' | ')} | ${f(slope(s.ms))} | ${sizes.map((z) => f(mean(s.mib.get(z) ?? []), 2)).join(' | ')} | ${f(slope(s.mib))} | ${f(s.gmacs.get(sizes.at(-1) as number) ?? Number.NaN, 4)} |`,
    )
  const top = sizes.at(-1) as number
  const at = (name: string, m: 'ms' | 'mib') => {
    const s = series.find((x) => x.arm === name || (name === 'sr' && x.arm.startsWith('sr-')))
    return s ? mean(s[m].get(top) ?? []) : Number.NaN
  }
  const srArm = series.find((x) => x.arm.startsWith('sr-'))?.arm ?? 'sr'
  const ratio = at('non-local', 'ms') / at('sr', 'ms')
  const gloreSr = at('glore', 'ms') / at('sr', 'ms')
  const macs = (name: string) =>
    series.find((x) => x.arm === name || (name === 'sr' && x.arm.startsWith('sr-')))?.gmacs.get(top)
  out.push(
    '',
    `- non-local / ${srArm} latency at ${top}²: ${f(ratio, 1)}× (criterion: > 5×)`,
    `- glore / ${srArm} at ${top}²: latency ${f(gloreSr)}×, MACs ${f((macs('glore') ?? Number.NaN) / (macs('sr') ?? Number.NaN))}× (< 1: GloRe is the cheaper head at these widths)`,
    '',
  )
  return out
}

export function renderSqueezeReasoning(records: readonly TrialRecord[]): string {
  const lines = [
    '## Squeeze reasoning: criteria',
    '',
    ...renderAccuracy(records),
    ...renderCost(records),
  ]
  return `${lines.join('\n')}\n`
}

export const squeezeReasoningSummary: SuiteSummary = {
  suite: 'squeeze-reasoning',
  render: renderSqueezeReasoning,
}
