/**
 * `dense-ffn`: the plain decoder (one FFN of width `ffn`, the active compute of every MoE arm)
 * or, with `wide`, one FFN of width K·`ffn` (the MoE arms' parameters, K× their FFN compute).
 */
import { z } from 'zod'
import type { LmCorpus } from '../../datasets/lm-corpus.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { ArmParams, runArm } from '../../studies/hash-layers/trial.ts'

export const DenseFfnParams = ArmParams.extend({
  /** Width K·ffn at the MoE layers instead of ffn. @default false */
  wide: z.boolean().default(false),
})
export type DenseFfnParams = z.output<typeof DenseFfnParams>

export const denseFfn: SubjectDef<DenseFfnParams, LmCorpus> = {
  name: 'dense-ffn',
  kind: 'baseline',
  description: 'Dense decoder FFN: width ffn (equal active compute) or K·ffn (equal parameters)',
  params: DenseFfnParams,
  run: (ctx, { params, dataset }) => {
    const { wide, ...arm } = params
    return runArm(ctx, arm, { kind: 'dense', wide }, dataset.data)
  },
}

export const subjects: readonly AnySubject[] = [denseFfn]
