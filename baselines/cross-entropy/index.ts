/** The baseline `cross-entropy`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { crossEntropy } from './subject.ts'

export const subjects: readonly AnySubject[] = [crossEntropy]
