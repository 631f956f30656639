/** The baseline `tfjs-dense`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { tfjsDense } from './subject.ts'

export const subjects: readonly AnySubject[] = [tfjsDense]
