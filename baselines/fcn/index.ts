/** `fcn`: the segmentation network with no context head, by the shared protocol. */
import type { SegmentationDataset } from '../../datasets/mnist-segmentation.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { noHead } from '../../studies/segmentation/head.ts'
import { runSegmentationTrial, SegmentationStudyParams } from '../../studies/segmentation/trial.ts'

const subject: SubjectDef<SegmentationStudyParams, SegmentationDataset> = {
  name: 'fcn',
  kind: 'baseline',
  description: 'Plain FCN: the same backbone and classifier with no context head',
  params: SegmentationStudyParams,
  run: (ctx, input) => runSegmentationTrial(ctx, noHead, input.params, 1, input),
}

export const subjects: readonly AnySubject[] = [subject]
