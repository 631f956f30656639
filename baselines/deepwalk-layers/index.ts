/** DeepWalk baselines: per layer (averaged), on the aggregate graph, per layer concatenated. */
import type { AnySubject } from '../../harness/types.ts'
import { deepWalkLayers } from './subject.ts'

export const subjects: readonly AnySubject[] = [deepWalkLayers]
