/** The method `margin`: its subjects and its report sections, nothing else. */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject } from '../../harness/types.ts'
import { marginSummary } from './figures.ts'
import { largeMargin } from './subject.ts'

export const subjects: readonly AnySubject[] = [largeMargin]
export const summaries: readonly SuiteSummary[] = [marginSummary]
