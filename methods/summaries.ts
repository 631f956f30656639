/** Suite-specific report sections that methods contribute, listed explicitly. */
import type { SuiteSummary } from '../harness/report/write.ts'
import { qaAblationsSummary, qaSummary } from './amanda/paired-summary.ts'
import { marginSummary } from './margin/figures.ts'
import { pamSummary } from './pam/ratios.ts'
import { summaries as squeezeReasoningSummaries } from './squeeze-reasoning/index.ts'

export const summaries: readonly SuiteSummary[] = [
  pamSummary,
  marginSummary,
  qaSummary,
  qaAblationsSummary,
  ...squeezeReasoningSummaries,
]
