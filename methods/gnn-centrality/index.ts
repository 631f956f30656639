/** The multitask centrality GNN and its report section. */
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject } from '../../harness/types.ts'
import { gnnCentrality } from './multitask.ts'
import { centralitySummary } from './summary.ts'

export const subjects: readonly AnySubject[] = [gnnCentrality]
export const summaries: readonly SuiteSummary[] = [centralitySummary]
