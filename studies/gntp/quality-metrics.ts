/** Quality numbers of the GNTP study as harness metrics. */
import { type Metrics, metric } from '../../harness/types.ts'
import type { KbQuality } from './evaluate.ts'

export function qualityMetrics(q: KbQuality): Metrics {
  const out: Metrics = {}
  if (q.aucPr !== undefined) out.auc_pr = metric(q.aucPr, 'fraction', 'higher')
  if (q.mrr !== undefined) out.mrr = metric(q.mrr, 'fraction', 'higher')
  if (q.hits1 !== undefined) out.hits1 = metric(q.hits1, 'fraction', 'higher')
  if (q.hits3 !== undefined) out.hits3 = metric(q.hits3, 'fraction', 'higher')
  if (q.hits10 !== undefined) out.hits10 = metric(q.hits10, 'fraction', 'higher')
  return out
}
