/** The baseline `onnxruntime-matmul`: its subjects, nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { onnxruntimeMatmul } from './subject.ts'

export const subjects: readonly AnySubject[] = [onnxruntimeMatmul]
