/**
 * The margin study's two distribution figures, rendered from a run's records (a pure function of
 * them, like every report): robust accuracy vs ε per loss (PGD, ℓ∞; one line per subject and
 * regime), and the histogram of bisection ℓ∞ margins per loss (per-point margins are the samples
 * of the `bisect_linf` metric, pooled over seeds). The harness's declarative figures take one row
 * per record group, which cannot hold a curve over ε or a histogram; hence this script.
 *
 *   npx tsx methods/margin/figures.ts <run folder>   -> <run folder>/figures/margin.{robust-vs-eps,margin-hist}.{svg,png,vl.json}
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildFigureSpec, type FigureRow, renderFigure } from '../../harness/report/figure.ts'
import { RECORDS_FILE } from '../../harness/run/runner.ts'
import { aggregate, type RecordGroup } from '../../harness/stats/aggregate.ts'
import { readRecords } from '../../harness/store/jsonl.ts'
import type { TrialRecord } from '../../harness/store/record.ts'

const PREFIX = 'pgd_linf_'

function label(g: RecordGroup): string {
  const regime = g.subject.params.regime
  const model = g.subject.params.model
  return [g.subject.id, regime !== 'full' ? regime : '', model === 'cnn' ? 'cnn' : '']
    .filter(Boolean)
    .join(' ')
}

/** Rows (subject, eps, robust_acc with its CI) from the per-ε metrics of each group. */
export function robustRows(groups: readonly RecordGroup[]): FigureRow[] {
  const rows: FigureRow[] = []
  for (const g of groups) {
    for (const [name, m] of Object.entries(g.metrics)) {
      if (!name.startsWith(PREFIX)) continue
      rows.push({
        subject: label(g),
        eps: Number(name.slice(PREFIX.length)),
        robust_acc: m.mean,
        robust_acc_lo: m.n > 1 ? m.ci.lo : null,
        robust_acc_hi: m.n > 1 ? m.ci.hi : null,
      })
    }
  }
  return rows.sort((a, b) => (a.eps as number) - (b.eps as number))
}

/** Rows (subject, margin bin centre, share of points) of the pooled per-point margins. */
export function histogramRows(groups: readonly RecordGroup[], bins = 20): FigureRow[] {
  const withSamples = groups.filter((g) => (g.metrics.bisect_linf?.samples.length ?? 0) > 0)
  const top = Math.max(1e-9, ...withSamples.flatMap((g) => g.metrics.bisect_linf?.samples ?? []))
  const width = top / bins
  const rows: FigureRow[] = []
  for (const g of withSamples) {
    const samples = g.metrics.bisect_linf?.samples ?? []
    const counts = new Array<number>(bins).fill(0)
    for (const s of samples) {
      const i = Math.min(bins - 1, Math.floor(s / width))
      counts[i] = (counts[i] as number) + 1
    }
    counts.forEach((c, i) => {
      rows.push({ subject: label(g), margin: (i + 0.5) * width, share: c / samples.length })
    })
  }
  return rows
}

/** Writes both figures for the records in `dir`; returns the paths written. */
export async function writeMarginFigures(dir: string): Promise<string[]> {
  const { records } = readRecords(join(dir, RECORDS_FILE))
  const ok = records.filter((r: TrialRecord) => r.suite === 'margin' && r.status === 'ok')
  const groups = aggregate(ok)
  const out = join(dir, 'figures')
  mkdirSync(out, { recursive: true })
  const written: string[] = []
  const figures = [
    {
      spec: buildFigureSpec(
        {
          name: 'robust-vs-eps',
          title: 'PGD robust accuracy vs ℓ∞ ε',
          x: 'eps',
          y: 'robust_acc',
          color: 'subject',
          mark: 'line',
        },
        robustRows(groups),
      ),
      name: 'robust-vs-eps',
    },
    {
      spec: buildFigureSpec(
        {
          name: 'margin-hist',
          title: 'bisection ℓ∞ margin, share of correct test points',
          x: 'margin',
          y: 'share',
          color: 'subject',
          mark: 'line',
        },
        histogramRows(groups),
      ),
      name: 'margin-hist',
    },
  ]
  for (const f of figures) {
    const base = join(out, `margin.${f.name}`)
    const rendered = await renderFigure(f.spec)
    writeFileSync(`${base}.vl.json`, `${JSON.stringify(f.spec, null, 2)}\n`)
    writeFileSync(`${base}.svg`, rendered.svg)
    writeFileSync(`${base}.png`, rendered.png)
    written.push(`${base}.svg`, `${base}.png`)
  }
  return written
}

if (process.argv[1]?.endsWith('figures.ts')) {
  const dir = process.argv[2]
  if (!dir) {
    process.stderr.write('Usage: npx tsx methods/margin/figures.ts <run folder>\n')
    process.exitCode = 2
  } else {
    for (const path of await writeMarginFigures(dir)) process.stdout.write(`${path}\n`)
  }
}
