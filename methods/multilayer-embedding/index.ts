/** The multi-layered network embedding: supra-graph DeepWalk with cohesion fine-tuning. */
import type { AnySubject } from '../../harness/types.ts'
import { supraEmbedding } from './subject.ts'

export const subjects: readonly AnySubject[] = [supraEmbedding]
