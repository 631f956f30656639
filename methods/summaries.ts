/** Suite-specific report sections that methods contribute, listed explicitly. */
import type { SuiteSummary } from '../harness/report/write.ts'
import { qaAblationsSummary, qaSummary } from './amanda/paired-summary.ts'
import { summaries as gntpSummaries } from './gntp/index.ts'
import { marginSummary } from './margin/figures.ts'
import { pamSummary } from './pam/ratios.ts'

export const summaries: readonly SuiteSummary[] = [
  pamSummary,
  marginSummary,
  qaSummary,
  qaAblationsSummary,
  ...gntpSummaries,
]
