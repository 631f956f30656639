/** The baseline `no-merge`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { noMerge } from './subject.ts'

export const subjects: readonly AnySubject[] = [noMerge]
