/** `ntp`: the exhaustive neural theorem prover (every fact, every rule, k_max substitutions). */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { ProverParams, runProverTrial } from '../../studies/gntp/prover-trial.ts'

const ntp: SubjectDef<ProverParams, KnowledgeBase> = {
  name: 'ntp',
  kind: 'baseline',
  description:
    'NTP: unification with every fact and every rule head, k_max best substitutions for a free variable',
  params: ProverParams,
  async run(ctx, { params, dataset }) {
    return runProverTrial(ctx, dataset.data, 'ntp', params)
  },
}

export const subjects: readonly AnySubject[] = [ntp]
