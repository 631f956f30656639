/** `gntp`: the greedy neural theorem prover (k-NN retrieval of facts and rule heads). */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { ProverParams, runProverTrial } from '../../studies/gntp/prover-trial.ts'
import { gntpSummary } from './summary.ts'

const gntp: SubjectDef<ProverParams, KnowledgeBase> = {
  name: 'gntp',
  kind: 'method',
  description:
    'Greedy NTP: each subgoal unifies only with its k nearest facts (-F) and the k_R nearest rule heads (-R); exact k-NN index refreshed on a schedule (or an approximate inverted file with `probe`)',
  params: ProverParams,
  async run(ctx, { params, dataset }) {
    return runProverTrial(ctx, dataset.data, 'gntp', params)
  },
}

export const subjects: readonly AnySubject[] = [gntp]

export const summaries: readonly SuiteSummary[] = [gntpSummary]
