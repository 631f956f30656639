/** Every baseline, listed explicitly. */
import type { AnySubject } from '../harness/types.ts'
import { bidaf } from './bidaf/index.ts'
import { subjects as complexSubjects } from './complex/index.ts'
import { crossEntropy } from './cross-entropy/index.ts'
import { csrSpmmBaseline } from './csr-spmm/index.ts'
import { fp32 } from './fp32/index.ts'
import { mtz } from './mtz/index.ts'
import { noMerge } from './no-merge/index.ts'
import { subjects as ntpSubjects } from './ntp/index.ts'
import { onnxruntimeDense } from './onnxruntime-dense/index.ts'
import { onnxruntimeEncoder } from './onnxruntime-encoder/index.ts'
import { onnxruntimeMatmul } from './onnxruntime-matmul/index.ts'
import { tfjsDense } from './tfjs-dense/index.ts'
import { tfjsTraining } from './tfjs-training/index.ts'

export const baselines: readonly AnySubject[] = [
  onnxruntimeDense,
  tfjsDense,
  tfjsTraining,
  noMerge,
  mtz,
  fp32,
  bidaf,
  crossEntropy,
  onnxruntimeMatmul,
  csrSpmmBaseline,
  onnxruntimeEncoder,
  ...ntpSubjects,
  ...complexSubjects,
]
