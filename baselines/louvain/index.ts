/** Louvain on the aggregate graph and on the supra graph (the modularity optimisers). */
import type { AnySubject } from '../../harness/types.ts'
import { louvainBaseline } from './subject.ts'

export const subjects: readonly AnySubject[] = [louvainBaseline]
