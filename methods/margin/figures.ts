/**
 * The margin study's two distribution figures, rendered from a run's records (a pure function of
 * them, like every report): robust accuracy vs ε per loss (PGD, ℓ∞; one line per subject and
 * regime), and the histogram of bisection ℓ∞ margins per loss (per-point margins are the samples
 * of the `bisect_linf` metric, pooled over seeds). The harness's declarative figures take one row
 * per record group, which cannot hold a curve over ε or a histogram; hence a suite summary.

 */
import type { FigureRow } from '../../harness/report/figure.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import { aggregate, type RecordGroup } from '../../harness/stats/aggregate.ts'

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

/** The margin study's two distribution figures, added to its suite's report. */
export const marginSummary: SuiteSummary = {
  suite: 'margin',
  figures(records) {
    const groups = aggregate(records.filter((r) => r.status === 'ok'))
    return [
      {
        figure: {
          name: 'robust-vs-eps',
          title: 'PGD robust accuracy vs ℓ∞ ε',
          x: 'eps',
          y: 'robust_acc',
          color: 'subject',
          mark: 'line',
          xTitle: 'ε (ℓ∞)',
          yTitle: 'robust accuracy',
        },
        rows: robustRows(groups),
      },
      {
        figure: {
          name: 'margin-hist',
          title: 'bisection ℓ∞ margin, share of correct test points',
          x: 'margin',
          y: 'share',
          color: 'subject',
          mark: 'line',
          xTitle: 'ℓ∞ margin',
          yTitle: 'share of points',
        },
        rows: histogramRows(groups),
      },
    ]
  },
}
