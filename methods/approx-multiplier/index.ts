/**
 * P/N approximate multipliers with filter-oriented mode mapping (Spantidi et al., ICCAD 2021,
 * reconstructed from the abstract, brief §1): every weight runs on the exact, positive-error or
 * negative-error mode of one multiplier, chosen per filter so that the expected product errors
 * cancel (greedy sign balancing); the levels per layer come from one setting or from the greedy
 * layer/level search on the calibration split. The protocol lives in studies/approx-multiplier/.
 */
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import {
  ApproxFields,
  type ApproxParams,
  runApproxTrial,
} from '../../studies/approx-multiplier/protocol.ts'
import { approxSummary } from '../../studies/approx-multiplier/summary.ts'

const PnParams = z.strictObject({
  ...ApproxFields,
  /**
   * Per filter, the largest |w| stay exact until the rest's Σσ² is ≤ this share of the Σσ² with
   * every weight approximate; 1 = no budget. @default 1
   */
  varianceBudget: z.number().min(0).max(1).default(1),
})
type PnParams = ApproxParams & { varianceBudget: number }

const approxPn: SubjectDef<PnParams, ImageDataset> = {
  name: 'approx-pn',
  kind: 'method',
  description: 'Positive/negative approximate multiplier modes, per-filter balanced mapping',
  params: PnParams as unknown as z.ZodType<PnParams>,
  run: (ctx, input) => runApproxTrial(ctx, input, 'balanced', input.params.varianceBudget),
}

export const subjects: readonly AnySubject[] = [approxPn]

/** Energy saving at ≤ 1 pt drop per network and mapping, the ranking and the pass criteria. */
export const summaries: readonly SuiteSummary[] = [approxSummary]
