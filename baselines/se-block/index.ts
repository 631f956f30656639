/** `se-block`: the segmentation network with the se-block head (block.ts), by the shared protocol. */
import type { SegmentationDataset } from '../../datasets/mnist-segmentation.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { runSegmentationTrial, SegmentationStudyParams } from '../../studies/segmentation/trial.ts'
import { seHead } from './block.ts'

const subject: SubjectDef<SegmentationStudyParams, SegmentationDataset> = {
  name: 'se-block',
  kind: 'baseline',
  description: 'Squeeze-and-Excitation: channel attention from global average pooling',
  params: SegmentationStudyParams,
  run: (ctx, input) => runSegmentationTrial(ctx, seHead, input.params, 1, input),
}

export const subjects: readonly AnySubject[] = [subject]
