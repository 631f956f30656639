/**
 * Baselines of the P/N approximate-multiplier study, on the same int8 nets and multipliers:
 * exact int8; all-negative (plain perforation); all-positive; random P/N; all-negative with
 * per-channel bias correction (control-variate-like constant); ALWANN-like weight tuning toward
 * the negative multiplier. The protocol lives in studies/approx-multiplier/.
 */
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { MAPPINGS } from '../../studies/approx-multiplier/mapping.ts'
import {
  ApproxFields,
  type ApproxParams,
  runApproxTrial,
} from '../../studies/approx-multiplier/protocol.ts'

const BASELINE_MAPPINGS = MAPPINGS.filter((m) => m !== 'balanced') as Exclude<
  (typeof MAPPINGS)[number],
  'balanced'
>[]

const UniformParams = z.strictObject({
  ...ApproxFields,
  /** @default 'all-negative' */
  mapping: z.enum(BASELINE_MAPPINGS as [string, ...string[]]).default('all-negative'),
})
type UniformParams = ApproxParams & { mapping: (typeof BASELINE_MAPPINGS)[number] }

const approxUniform: SubjectDef<UniformParams, ImageDataset> = {
  name: 'approx-uniform',
  kind: 'baseline',
  description:
    'Approximate multipliers without balancing: exact, all-N, all-P, random, bias-corrected, ALWANN-like',
  params: UniformParams as unknown as z.ZodType<UniformParams>,
  run: (ctx, input) => runApproxTrial(ctx, input, input.params.mapping),
}

export const subjects: readonly AnySubject[] = [approxUniform]
