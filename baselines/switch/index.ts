/**
 * `switch-ffn`: Switch top-1 routing of the same K expert FFNs: a softmax router d×K, the output
 * scaled by the chosen expert's probability, the load-balancing loss α·K·Σ f_i·P_i (α = 0: none)
 * and a capacity factor in training (tokens past ⌈cf·n/K⌉ per expert are dropped; 0: no limit).
 */
import { z } from 'zod'
import type { LmCorpus } from '../../datasets/lm-corpus.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { ArmParams, runArm } from '../../studies/hash-layers/trial.ts'

export const SwitchParams = ArmParams.extend({
  /** Weight α of the load-balancing loss; 0 trains without it. @default 0.01 */
  alpha: z.number().nonnegative().default(0.01),
  /** Capacity factor in training; 0 drops nothing. @default 1.25 */
  capacityFactor: z.number().nonnegative().default(1.25),
})
export type SwitchParams = z.output<typeof SwitchParams>

export const switchFfn: SubjectDef<SwitchParams, LmCorpus> = {
  name: 'switch-ffn',
  kind: 'baseline',
  description:
    'Switch Transformer top-1 learned routing of K expert FFNs (load-balancing loss, capacity factor)',
  params: SwitchParams,
  run: (ctx, { params, dataset }) => {
    const { alpha, capacityFactor, ...arm } = params
    return runArm(ctx, arm, { kind: 'switch', alpha, capacityFactor }, dataset.data)
  },
}

export const subjects: readonly AnySubject[] = [switchFfn]
