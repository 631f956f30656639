/** `gnn-centrality-single-task`: the same GNN trained on one centrality (one decoder). */
import { z } from 'zod'
import type { CentralityGraphs } from '../../datasets/centrality-graphs.ts'
import { CENTRALITIES } from '../../datasets/centrality-measures.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { GnnParams, runGnnTrial } from '../../studies/centrality/trial.ts'

const SingleTaskParams = GnnParams.extend({
  /** The one centrality this network learns. */
  task: z.enum(CENTRALITIES).default('betweenness'),
})
type SingleTaskParams = z.output<typeof SingleTaskParams>

export const gnnCentralitySingleTask: SubjectDef<SingleTaskParams, CentralityGraphs> = {
  name: 'gnn-centrality-single-task',
  kind: 'baseline',
  description:
    'The centrality GNN trained on a single centrality (one decoder), as in the multitask paper',
  params: SingleTaskParams,
  run(ctx, { params, dataset }) {
    const { task, ...gnn } = params
    return runGnnTrial(ctx, dataset.data, gnn, [task])
  },
}

export const subjects: readonly AnySubject[] = [gnnCentralitySingleTask]
