/** The baseline `bidaf`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { bidaf } from './subject.ts'

export const subjects: readonly AnySubject[] = [bidaf]
