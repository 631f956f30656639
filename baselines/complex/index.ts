/** `complex` and `distmult`: the link-prediction baselines of the GNTP study. */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { EmbeddingParams, runEmbeddingTrial } from '../../studies/gntp/embedding-model.ts'

const complex: SubjectDef<EmbeddingParams, KnowledgeBase> = {
  name: 'complex',
  kind: 'baseline',
  description: 'ComplEx (Re <s, r, conj(o)>), logistic loss with corruptions, Adagrad',
  params: EmbeddingParams,
  async run(ctx, { params, dataset }) {
    return runEmbeddingTrial(ctx, dataset.data, 'complex', params)
  },
}

const distmult: SubjectDef<EmbeddingParams, KnowledgeBase> = {
  name: 'distmult',
  kind: 'baseline',
  description: 'DistMult (<s, r, o>), logistic loss with corruptions, Adagrad',
  params: EmbeddingParams,
  async run(ctx, { params, dataset }) {
    return runEmbeddingTrial(ctx, dataset.data, 'distmult', params)
  },
}

export const subjects: readonly AnySubject[] = [complex, distmult]
