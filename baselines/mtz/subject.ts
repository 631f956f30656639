/**
 * `mtz`: PAM's baseline B2. Multi-Task Zipping fully zips the pre-trained single-task nets into
 * one shared trunk with one head per task (zip.ts), then the merged net is fine-tuned and pruned
 * with the pruner every arm shares; each trial measures one task combination.
 */
import { z } from 'zod'
import type { MnistTaskSet } from '../../datasets/mnist-tasks.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { concatNets } from '../../models/multitask/net.ts'
import { type ArmDef, ArmParams, runArmTrial } from '../../studies/multitask/arm.ts'
import { mtzZip } from './zip.ts'

const Params = ArmParams.extend({
  /** Samples per task for each layer-wise Hessian. @default 300 */
  hessianSamples: z.number().int().positive().default(300),
  /** Diagonal damping of the Hessians, relative to their mean diagonal. @default 0.01 */
  damping: z.number().nonnegative().default(0.01),
  /** Joint fine-tuning steps after each zipped layer. @default 100 */
  zipFineTune: z.number().int().nonnegative().default(100),
}).strict()
type Params = z.output<typeof Params>

const arm: ArmDef<Params> = {
  name: 'mtz',
  key: (p) => ({
    hessianSamples: p.hessianSamples,
    damping: p.damping,
    zipFineTune: p.zipFineTune,
  }),
  async build({ pre, data, rng, fineTuneAndPrune }, p) {
    const net = concatNets(pre.nets)
    const costs = mtzZip(
      net,
      data.train,
      {
        hessianSamples: p.hessianSamples,
        damping: p.damping,
        fineTuneSteps: p.zipFineTune,
        lr: 0.01,
        batch: 32,
      },
      rng,
    )
    const { rounds } = fineTuneAndPrune(net)
    return { net, rounds, facts: Object.fromEntries(costs.map((c, l) => [`zipCost${l}`, c])) }
  },
}

export const mtz: SubjectDef<Params, MnistTaskSet> = {
  name: 'mtz',
  kind: 'baseline',
  description:
    'Multi-Task Zipping (Hessian-based neuron zipping of every hidden layer), then the shared Taylor pruner',
  params: Params,
  run: (ctx, { params, dataset }) => runArmTrial(ctx, dataset.data, arm, params),
}
