/** The baseline `tfjs-training`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { tfjsTraining } from './subject.ts'

export const subjects: readonly AnySubject[] = [tfjsTraining]
