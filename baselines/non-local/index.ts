/** `non-local`: the segmentation network with the non-local head (block.ts), by the shared protocol. */
import type { SegmentationDataset } from '../../datasets/mnist-segmentation.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { runSegmentationTrial, SegmentationStudyParams } from '../../studies/segmentation/trial.ts'
import { nonLocalHead } from './block.ts'

const subject: SubjectDef<SegmentationStudyParams, SegmentationDataset> = {
  name: 'non-local',
  kind: 'baseline',
  description: 'Non-local block (embedded Gaussian): pixel-wise attention over all HW positions',
  params: SegmentationStudyParams,
  run: (ctx, input) => runSegmentationTrial(ctx, nonLocalHead, input.params, 1, input),
}

export const subjects: readonly AnySubject[] = [subject]
