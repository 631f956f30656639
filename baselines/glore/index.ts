/** `glore`: the segmentation network with the glore head (block.ts), by the shared protocol. */
import type { SegmentationDataset } from '../../datasets/mnist-segmentation.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { runSegmentationTrial, SegmentationStudyParams } from '../../studies/segmentation/trial.ts'
import { gloreHead } from './block.ts'

const subject: SubjectDef<SegmentationStudyParams, SegmentationDataset> = {
  name: 'glore',
  kind: 'baseline',
  description: 'GloRe unit: projection to a node space, GCN, reverse projection',
  params: SegmentationStudyParams,
  run: (ctx, input) => runSegmentationTrial(ctx, gloreHead, input.params, 1, input),
}

export const subjects: readonly AnySubject[] = [subject]
