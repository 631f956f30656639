/** `bidaf`: a BiDAF-style reader (bidirectional attention flow) on AMANDA's embeddings and budget. */
import type { QaSplits } from '../../datasets/qa-text.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { runReaderTrial } from '../../studies/qa/reader-trial.ts'
import { type BidafParams, buildBidaf, BidafParams as Params } from './bidaf-reader.ts'

export const bidaf: SubjectDef<BidafParams, QaSplits> = {
  name: 'bidaf',
  kind: 'baseline',
  description:
    'BiDAF-style reader: context-to-query and query-to-context attention, modelling layer, pointers',
  params: Params,
  run(ctx, { params, dataset }) {
    return runReaderTrial(ctx, dataset.data, params, buildBidaf)
  },
}
