/** The baseline `fp32`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { fp32 } from './subject.ts'

export const subjects: readonly AnySubject[] = [fp32]
