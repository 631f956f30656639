/**
 * `no-merge`: PAM's baseline B1. Each pre-trained single-task net is pruned on its own with the
 * shared Taylor pruner; a task combination then costs the sum of its nets (the nets sit side by
 * side in one MultiNet with no shared neurons).
 */
import type { MnistTaskSet } from '../../datasets/mnist-tasks.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { concatNets } from '../../models/multitask/net.ts'
import { singleTask } from '../../models/multitask/train.ts'
import { type ArmDef, ArmParams, runArmTrial } from '../../studies/multitask/arm.ts'

const arm: ArmDef<ArmParams> = {
  name: 'no-merge',
  key: () => ({}),
  async build({ pre, data, prune }) {
    let rounds = 0
    const unpruned = concatNets(pre.nets)
    pre.nets.forEach((net, t) => {
      const split = { train: singleTask(data.train, t), val: singleTask(data.val, t) }
      rounds += prune(net, [pre.valAcc[t]!], split).rounds
    })
    return { net: concatNets(pre.nets), rounds, unpruned }
  },
}

export const noMerge: SubjectDef<ArmParams, MnistTaskSet> = {
  name: 'no-merge',
  kind: 'baseline',
  description:
    'No merging: each single-task net pruned separately (Taylor); a combination costs the sum of its nets',
  params: ArmParams,
  run: (ctx, { params, dataset }) => runArmTrial(ctx, dataset.data, arm, params),
}
