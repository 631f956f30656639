/**
 * The multilayer-embedding study's pass criteria (research brief, section 2.4), a pure function
 * of the suite's records: means over seeds per subject and dataset point, then each criterion
 * with its measured numbers and whether it holds.
 */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–')

/** Least-squares line through (x, y) and its R². */
export function linearFit(x: readonly number[], y: readonly number[]) {
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  x.forEach((xi, i) => {
    sxy += (xi - mx) * ((y[i] as number) - my)
    sxx += (xi - mx) ** 2
    syy += ((y[i] as number) - my) ** 2
  })
  const slope = sxy / sxx
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) }
}

/** Mean of `metric` over the ok records of `subject` on `dataset` with `layers` layers. */
function cell(
  records: readonly TrialRecord[],
  subject: string,
  dataset: string,
  metric: string,
  layers?: number,
) {
  const xs = records
    .filter(
      (r) =>
        r.status === 'ok' &&
        r.subject.id === subject &&
        r.dataset.id === dataset &&
        (layers === undefined || r.dataset.params.layers === layers),
    )
    .map((r) => r.metrics[metric]?.value)
    .filter((v): v is number => typeof v === 'number')
  return xs.length > 0 ? mean(xs) : Number.NaN
}

function layersOf(records: readonly TrialRecord[], dataset: string): number[] {
  return [
    ...new Set(
      records.filter((r) => r.dataset.id === dataset).map((r) => r.dataset.params.layers as number),
    ),
  ].sort((a, b) => a - b)
}

const METHODS = ['supra-dec', 'supra-kmeans'] as const
const yes = (ok: boolean) => (ok ? 'holds' : 'does not hold')

export function renderCriteria(records: readonly TrialRecord[]): string {
  const lines = ['## multilayer-embedding: pass criteria (means over seeds)', '']
  const sbmL = layersOf(records, 'ml-sbm').filter((l) => l >= 6)
  lines.push('| criterion | arm | setting | measured | verdict |', '|---|---|---|---|---|')
  for (const m of METHODS) {
    for (const L of sbmL) {
      const own = cell(records, m, 'ml-sbm', 'nmi', L)
      const agg = cell(records, 'deepwalk-aggregate', 'ml-sbm', 'nmi', L)
      const per = cell(records, 'deepwalk-per-layer', 'ml-sbm', 'nmi', L)
      lines.push(
        `| 1. SBM NMI ≥ aggregate − 0.02 and ≥ per-layer + 0.10 | ${m} | L = ${L} | ${f3(own)} vs aggregate ${f3(agg)}, per-layer ${f3(per)} | ${yes(own >= agg - 0.02 && own >= per + 0.1)} |`,
      )
    }
    for (const d of ['ml-sbm', 'ml-football'])
      for (const L of layersOf(records, d)) {
        const gain = cell(records, m, d, 'modularity_gain', L)
        const q = cell(records, m, d, 'modularity', L)
        const louvain = cell(records, 'louvain-aggregate', d, 'modularity', L)
        lines.push(
          `| 2. fine-tuning modularity gain ≥ 0.02 | ${m} | ${d} L = ${L} | ${f3(gain)} | ${yes(gain >= 0.02)} |`,
          `| 3. modularity ≥ Louvain-on-aggregate − 0.01 | ${m} | ${d} L = ${L} | ${f3(q)} vs ${f3(louvain)} | ${yes(q >= louvain - 0.01)} |`,
        )
      }
    const fbL = layersOf(records, 'ml-football')
    const top = Math.max(...fbL)
    if (fbL.length > 0) {
      const nmi = cell(records, m, 'ml-football', 'nmi', top)
      const f1 = cell(records, m, 'ml-football', 'micro_f1_50', top)
      lines.push(
        `| 4. football league NMI ≥ 0.8, micro-F1@50% ≥ 0.9 | ${m} | L = ${top} | NMI ${f3(nmi)}, micro-F1 ${f3(f1)} | ${yes(nmi >= 0.8 && f1 >= 0.9)} |`,
      )
    }
    if (fbL.length >= 3) {
      const times = fbL.map((L) => cell(records, m, 'ml-football', 'wall_s', L))
      const fit = linearFit(fbL, times)
      const atTop = times[times.length - 1] as number
      lines.push(
        `| 5. wall time linear in L (R² > 0.95), < 300 s at L = ${top} | ${m} | football L = ${fbL.join(', ')} | R² ${f3(fit.r2)}, ${f3(fit.slope)} s/layer, ${atTop.toFixed(1)} s at L = ${top} (loaded machine) | ${yes(fit.r2 > 0.95 && atTop < 300)} |`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

export const multilayerSummary: SuiteSummary = {
  suite: 'multilayer-embedding',
  render: renderCriteria,
}
