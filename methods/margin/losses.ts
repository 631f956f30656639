/** Every large-margin loss of the study, in a fixed order. */
import { aSoftmax } from './a-softmax.ts'
import { arcFace } from './arcface.ts'
import { cosFace } from './cosface.ts'
import { elsayed } from './elsayed.ts'
import { hingeCrammerSinger } from './hinge-crammer-singer.ts'
import { hingeWestonWatkins } from './hinge-weston-watkins.ts'
import { lSoftmax } from './l-softmax.ts'
import type { AnyMarginLoss } from './loss-def.ts'
import { mma } from './mma.ts'
import { pgdTraining } from './pgd-training.ts'

export const MARGIN_LOSSES = [
  hingeCrammerSinger,
  hingeWestonWatkins,
  lSoftmax,
  aSoftmax,
  cosFace,
  arcFace,
  elsayed,
  pgdTraining,
  mma,
] as const satisfies readonly AnyMarginLoss[]

export type MarginLossName = (typeof MARGIN_LOSSES)[number]['name']

/** The loss named `name`; an unknown name lists the valid ones. */
export function marginLoss(name: string): AnyMarginLoss {
  const def = MARGIN_LOSSES.find((l) => l.name === name)
  if (!def)
    throw new RangeError(
      `Cannot find margin loss "${name}"; valid: ${MARGIN_LOSSES.map((l) => l.name).join(', ')}`,
    )
  return def
}
