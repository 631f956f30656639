/**
 * `cross-entropy`: the reference of the margin study, a network trained with plain softmax
 * cross-entropy and measured by the same protocol as every large-margin loss.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { logitsOf } from '../../models/margin/net.ts'
import type { Objective } from '../../models/margin/objective.ts'
import { runMarginStudy, StudyParams } from '../../studies/margin/study.ts'

/** Mean softmax cross-entropy on the affine logits. */
export const crossEntropyObjective: Objective = {
  name: 'cross-entropy',
  head: 'affine',
  loss: (net, batch) => {
    const logits = logitsOf(net, batch.x)
    return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, logits.shape[1]), logits) as tf.Scalar
  },
}

export const crossEntropy: SubjectDef<StudyParams, ImageDataset> = {
  name: 'cross-entropy',
  kind: 'baseline',
  description: 'Softmax cross-entropy training, measured like the large-margin losses',
  params: StudyParams,
  run: (ctx, { params, dataset }) =>
    runMarginStudy(ctx, params, dataset.data, () => crossEntropyObjective),
}
