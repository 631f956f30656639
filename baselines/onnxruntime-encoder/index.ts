/** The baseline `onnxruntime-encoder`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { onnxruntimeEncoder } from './subject.ts'

export const subjects: readonly AnySubject[] = [onnxruntimeEncoder]
