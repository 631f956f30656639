/** `amanda`: the multi-factor attention reader, with its ablations as parameters. */
import type { QaSplits } from '../../datasets/qa-text.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { runReaderTrial } from '../../studies/qa/reader-trial.ts'
import { AmandaParams, buildAmanda } from './amanda-reader.ts'

export const amanda: SubjectDef<AmandaParams, QaSplits> = {
  name: 'amanda',
  kind: 'method',
  description:
    'AMANDA: multi-factor self-attention, max-attentional question aggregation, question-type vector',
  params: AmandaParams,
  run(ctx, { params, dataset }) {
    return runReaderTrial(ctx, dataset.data, params, buildAmanda)
  },
}
