/** The multi-layered network embedding: supra-graph DeepWalk with cohesion fine-tuning. */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject } from '../../harness/types.ts'
import { supraEmbedding } from './subject.ts'
import { multilayerSummary } from './summary.ts'

export const subjects: readonly AnySubject[] = [supraEmbedding]

export const summaries: readonly SuiteSummary[] = [multilayerSummary]
