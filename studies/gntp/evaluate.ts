/**
 * Evaluation of any KB scorer (a prover or an embedding model) on the two tasks:
 *   countries: AUC-PR of locatedIn(c, r) over test countries x regions
 *   ranking:   filtered MRR and Hits@1/3/10 over subject and object corruptions of the test
 *              triples, mean rank of ties (see metrics.ts)
 */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { averagePrecision, meanTieRank, summarizeRanks } from './metrics.ts'

export interface KbScorer {
  /** Score of (p, s, o), entity and relation ids of the KB. */
  triple(p: number, s: number, o: number): number
  /** Scores of (p, fixed, c) for every entity c (`object`) or of (p, c, fixed) (`subject`). */
  candidates(p: number, fixed: number, at: 'object' | 'subject'): ArrayLike<number>
}

export interface KbQuality {
  aucPr?: number
  mrr?: number
  hits1?: number
  hits3?: number
  hits10?: number
}

export function evaluateKb(
  kb: KnowledgeBase,
  scorer: KbScorer,
  maxTriples: number,
  rng: Rng,
): KbQuality {
  const task = kb.task
  if (task.kind === 'countries') {
    const scores: number[] = []
    const labels: boolean[] = []
    for (const [, c, truth] of kb.test)
      for (const r of task.regions) {
        scores.push(scorer.triple(task.locatedIn, c, r))
        labels.push(r === truth)
      }
    return { aucPr: averagePrecision(scores, labels) }
  }
  const known = new Set([...kb.train, ...kb.dev, ...kb.test].map(([p, s, o]) => `${p},${s},${o}`))
  const triples = rng.shuffle([...kb.test]).slice(0, maxTriples)
  const ranks: number[] = []
  for (const [p, s, o] of triples) {
    const objs = scorer.candidates(p, s, 'object')
    ranks.push(meanTieRank(objs, o, (c) => known.has(`${p},${s},${c}`)))
    const subs = scorer.candidates(p, o, 'subject')
    ranks.push(meanTieRank(subs, s, (c) => known.has(`${p},${c},${o}`)))
  }
  const r = summarizeRanks(ranks)
  return { mrr: r.mrr, hits1: r.hits1, hits3: r.hits3, hits10: r.hits10 }
}
