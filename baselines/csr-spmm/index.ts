/** The baseline `csr-spmm`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { csrSpmmBaseline } from './subject.ts'

export const subjects: readonly AnySubject[] = [csrSpmmBaseline]
