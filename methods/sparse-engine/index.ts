/** The method `sparse-engine`: its subjects (generated kernels, pruned MLP, encoder), nothing else. */
import type { AnySubject } from '../../harness/types.ts'
import { sparseEncoder } from './encoder-subject.ts'
import { sparseMlp } from './pruned-mlp.ts'
import { sparseNative, sparseWasm } from './subject.ts'

export const subjects: readonly AnySubject[] = [sparseWasm, sparseNative, sparseMlp, sparseEncoder]
