/** Every baseline, listed explicitly. */
import type { AnySubject } from '../harness/types.ts'
import { onnxruntimeDense } from './onnxruntime-dense/index.ts'
import { tfjsDense } from './tfjs-dense/index.ts'

export const baselines: readonly AnySubject[] = [onnxruntimeDense, tfjsDense]
