/**
 * `squeeze-reasoning`: the segmentation network with the Squeeze Reasoning head (block.ts),
 * trained and scored, or the head alone timed, by the shared protocol of studies/segmentation.
 */
import { z } from 'zod'
import type { SegmentationDataset } from '../../datasets/mnist-segmentation.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { runSegmentationTrial, SegmentationStudyParams } from '../../studies/segmentation/trial.ts'
import { squeezeReasoningHead } from './block.ts'
import { squeezeReasoningSummary } from './summary.ts'

const SqueezeReasoningParams = SegmentationStudyParams.extend({
  /** node_num: C′ is split into this many nodes of C′/node_num features. @default 8 */
  nodes: z.number().int().min(1).default(8),
})
type SqueezeReasoningParams = z.output<typeof SqueezeReasoningParams>

const squeezeReasoning: SubjectDef<SqueezeReasoningParams, SegmentationDataset> = {
  name: 'squeeze-reasoning',
  kind: 'method',
  description: 'Squeeze Reasoning head: channel-vector graph reasoning re-weighting the features',
  params: SqueezeReasoningParams,
  run: (ctx, input) =>
    runSegmentationTrial(ctx, squeezeReasoningHead, input.params, input.params.nodes, input),
}

export const subjects: readonly AnySubject[] = [squeezeReasoning]
export const summaries: readonly SuiteSummary[] = [squeezeReasoningSummary]
