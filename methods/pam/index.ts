/** The method `pam`: its subjects and its report sections, nothing else. */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject } from '../../harness/types.ts'
import { pamConditionsSummary } from './conditions-table.ts'
import { pamSummary } from './ratios.ts'
import { pam } from './subject.ts'

export const subjects: readonly AnySubject[] = [pam]
export const summaries: readonly SuiteSummary[] = [pamSummary, pamConditionsSummary]
