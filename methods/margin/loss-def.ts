/** The contract of one large-margin loss: its hyper-parameters and how it builds an objective. */
import type { z } from 'zod'
import type { Objective } from '../../models/margin/objective.ts'
import type { ObjectiveSetup } from '../../studies/margin/study.ts'

export interface MarginLossDef<P = unknown> {
  /** Registry value of the subject's `loss` param. */
  name: string
  description: string
  params: z.ZodType<P>
  objective(params: P, setup: ObjectiveSetup): Objective
}

// biome-ignore lint/suspicious/noExplicitAny: the list holds losses of any parameter type
export type AnyMarginLoss = MarginLossDef<any>
