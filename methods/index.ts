/** Every method, listed explicitly. */
import type { AnySubject } from '../harness/types.ts'
import { amanda } from './amanda/index.ts'
import { subjects as gntpSubjects } from './gntp/index.ts'
import { largeMargin } from './margin/index.ts'
import { pam } from './pam/index.ts'
import { quantizationMethods } from './quantization/index.ts'
import { sparseEngineSubjects } from './sparse-engine/subject.ts'

export const methods: readonly AnySubject[] = [
  pam,
  ...quantizationMethods,
  amanda,
  largeMargin,
  ...sparseEngineSubjects,
  ...gntpSubjects,
]
