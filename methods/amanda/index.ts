/** The method `amanda`: its subjects and its report sections, nothing else. */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject } from '../../harness/types.ts'
import { qaAblationsSummary, qaSummary } from './paired-summary.ts'
import { amanda } from './subject.ts'

export const subjects: readonly AnySubject[] = [amanda]
export const summaries: readonly SuiteSummary[] = [qaSummary, qaAblationsSummary]
