/** The baseline `onnxruntime-dense`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { onnxruntimeDense } from './subject.ts'

export const subjects: readonly AnySubject[] = [onnxruntimeDense]
