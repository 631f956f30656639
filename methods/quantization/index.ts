/** The method `quantization`: its subjects (PTQ, QAT, mixed precision, integer-only), nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { quantInteger } from './integer-subject.ts'
import { quantMixed } from './mixed-subject.ts'
import { quantPtq } from './ptq-subject.ts'
import { quantQat } from './qat-subject.ts'

export const subjects: readonly AnySubject[] = [quantPtq, quantQat, quantMixed, quantInteger]
