/**
 * `large-margin`: one network trained with one large-margin loss (hinge, L-Softmax, A-Softmax,
 * CosFace, ArcFace, Elsayed, PGD-AT, MMA), then measured by the shared margin-study protocol
 * (models/margin/study.ts). The loss is the `loss` param; its hyper-parameters are `options`.
 */
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { runMarginStudy, StudyParams } from '../../studies/margin/study.ts'
import { MARGIN_LOSSES, marginLoss } from './losses.ts'

const names = MARGIN_LOSSES.map((l) => l.name) as [string, ...string[]]

export const LargeMarginParams = StudyParams.extend({
  loss: z.enum(names),
  /** The loss's hyper-parameters (validated by its schema). @default {} */
  options: z.record(z.string(), z.unknown()).default({}),
}).superRefine((p, ctx) => {
  const def = MARGIN_LOSSES.find((l) => l.name === p.loss)
  const r = def?.params.safeParse(p.options)
  if (r && !r.success) {
    for (const issue of r.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['options', ...issue.path] })
  }
})
export type LargeMarginParams = z.output<typeof LargeMarginParams>

export const largeMargin: SubjectDef<LargeMarginParams, ImageDataset> = {
  name: 'large-margin',
  kind: 'method',
  description: 'A network trained with a large-margin loss, then its input margins measured',
  params: LargeMarginParams,
  async run(ctx, { params, dataset }) {
    const { loss, options, ...study } = params
    const def = marginLoss(loss)
    const lossParams = def.params.parse(options)
    return runMarginStudy(ctx, study, dataset.data, (setup) => def.objective(lossParams, setup))
  },
}
