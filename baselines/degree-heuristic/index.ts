/** `centrality-degree-heuristic`: c(i) > c(j) iff deg(i) > deg(j), for every centrality. */
import type { CentralityGraphs } from '../../datasets/centrality-graphs.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { degreeScorer, HeuristicParams, runHeuristicTrial } from '../../studies/centrality/trial.ts'

export const centralityDegreeHeuristic: SubjectDef<HeuristicParams, CentralityGraphs> = {
  name: 'centrality-degree-heuristic',
  kind: 'baseline',
  description: 'Degree heuristic: predicts c(i) > c(j) iff deg(i) > deg(j), for every centrality',
  params: HeuristicParams,
  run(ctx, { params, dataset }) {
    return runHeuristicTrial(ctx, dataset.data, params, degreeScorer())
  },
}

export const subjects: readonly AnySubject[] = [centralityDegreeHeuristic]
