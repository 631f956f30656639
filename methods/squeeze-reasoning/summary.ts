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
import { median, quantile } from '../../harness/stats/describe.ts'
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

/** Cost backends: the `backend` param of a cost trial (records from before it existed: tfjs wasm). */
function backendOf(r: TrialRecord): string {
  return (r.subject.params['backend'] as string | undefined) ?? 'tfjs-wasm'
}

/** The memory metric of each backend (see the note above the cost table). */
const MEMORY: Record<string, string> = {
  'tfjs-wasm': 'head_peak_mib',
  onnxruntime: 'head_rss_mib',
}

interface CostSeries {
  arm: string
  backend: string
  /** size -> per-seed medians and memory readings */
  ms: Map<number, number[]>
  mib: Map<number, number[]>
  /** size -> every latency sample of every seed (the spread) */
  samples: Map<number, number[]>
  gmacs: Map<number, number>
}

function costSeries(records: readonly TrialRecord[]): CostSeries[] {
  const series = new Map<string, CostSeries>()
  for (const r of records) {
    if (r.status !== 'ok' || task(r) !== 'cost') continue
    const size = r.subject.params['side'] as number
    const backend = backendOf(r)
    const key = `${arm(r)}|${backend}`
    const s = series.get(key) ?? {
      arm: arm(r),
      backend,
      ms: new Map(),
      mib: new Map(),
      samples: new Map(),
      gmacs: new Map(),
    }
    const ms = r.metrics['head_ms']
    const mib = r.metrics[MEMORY[backend] ?? 'head_peak_mib']?.value
    if (ms !== undefined) {
      s.ms.set(size, [...(s.ms.get(size) ?? []), ms.value])
      s.samples.set(size, [...(s.samples.get(size) ?? []), ...(ms.samples ?? [ms.value])])
    }
    if (mib !== undefined) s.mib.set(size, [...(s.mib.get(size) ?? []), mib])
    s.gmacs.set(size, r.metrics['head_gmacs']?.value ?? Number.NaN)
    series.set(key, s)
  }
  return [...series.values()].sort(
    (a, b) => a.backend.localeCompare(b.backend) || a.arm.localeCompare(b.arm),
  )
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

/** Interquartile range of the pooled latency samples, as "p25–p75". */
function iqr(xs: readonly number[] | undefined): string {
  if (!xs || xs.length === 0) return '–'
  return `${f(quantile(xs, 0.25), 3)}–${f(quantile(xs, 0.75), 3)}`
}

function renderCost(records: readonly TrialRecord[]): string[] {
  const series = costSeries(records)
  if (series.length === 0) return []
  const sizes = [...new Set(series.flatMap((s) => [...s.ms.keys()]))].sort((a, b) => a - b)
  const top = sizes.at(-1) as number
  const out = ['### Head cost (head alone, batch 1, one thread, inference)', '']
  out.push(
    "Latency: median over seeds of each trial's median; slopes are least-squares fits of log(value) on log(HW) over the sizes measured. Memory: tfjs wasm = peak tensor bytes of one call (tf.profile); onnxruntime = peak resident-set growth of one call (its second, arena off, 4 KiB mmap threshold) in a fresh process: the bytes the call keeps alive at once.",
    '',
    `| head | backend | ${sizes.map((s) => `ms @${s}²`).join(' | ')} | IQR ms @${top}² | slope ms/HW | ${sizes.map((s) => `MiB @${s}²`).join(' | ')} | slope MiB/HW | MMAC @${top}² |`,
    `|---|---|${sizes.map(() => '---|').join('')}---|---|${sizes.map(() => '---|').join('')}---|---|`,
  )
  for (const s of series)
    out.push(
      `| ${s.arm} | ${s.backend} | ${sizes.map((z) => f(median(s.ms.get(z) ?? [Number.NaN]), 3)).join(' | ')} | ${iqr(s.samples.get(top))} | ${f(slope(s.ms))} | ${sizes.map((z) => f(mean(s.mib.get(z) ?? []), 2)).join(' | ')} | ${f(slope(s.mib))} | ${f((s.gmacs.get(top) ?? Number.NaN) * 1000, 3)} |`,
    )
  out.push('')
  const backends = [...new Set(series.map((s) => s.backend))]
  const find = (name: string, backend: string) =>
    series.find(
      (x) =>
        x.backend === backend && (x.arm === name || (name === 'sr' && x.arm.startsWith('sr-'))),
    )
  const at = (name: string, backend: string, m: 'ms' | 'mib') => {
    const s = find(name, backend)
    const ys = s?.[m].get(top)
    return ys && ys.length > 0 ? (m === 'ms' ? median(ys) : mean(ys)) : Number.NaN
  }
  for (const b of backends) {
    const srArm = find('sr', b)?.arm ?? 'sr'
    const macs = (name: string) => find(name, b)?.gmacs.get(top) ?? Number.NaN
    out.push(
      `- ${b}: non-local / ${srArm} latency at ${top}²: ${f(at('non-local', b, 'ms') / at('sr', b, 'ms'), 1)}× (criterion: > 5×); memory ${f(at('non-local', b, 'mib') / at('sr', b, 'mib'), 1)}×`,
      `- ${b}: glore / ${srArm} at ${top}²: latency ${f(at('glore', b, 'ms') / at('sr', b, 'ms'))}×, MACs ${f(macs('glore') / macs('sr'))}× (< 1: GloRe is the cheaper head at these widths)`,
    )
  }
  if (backends.length > 1) {
    const arms = [...new Set(series.map((s) => s.arm))]
    const [a, b] = ['tfjs-wasm', 'onnxruntime']
    if (a && b && backends.includes(a) && backends.includes(b))
      out.push(
        `- latency tfjs-wasm / onnxruntime at ${top}²: ${arms.map((x) => `${x} ${f(at(x, a, 'ms') / at(x, b, 'ms'), 1)}×`).join(', ')}`,
      )
  }
  out.push('')
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
