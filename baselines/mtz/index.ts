/** The baseline `mtz`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { mtz } from './subject.ts'

export const subjects: readonly AnySubject[] = [mtz]
