/**
 * `pam`: Pruning-Aware Merging. The pre-trained single-task nets are regrouped by KDE mutual
 * information into shared and task-specific partitions (merge.ts), fine-tuned jointly, then pruned
 * with the pruner every arm shares; each trial measures one task combination.
 */
import { z } from 'zod'
import type { MnistTaskSet } from '../../datasets/mnist-tasks.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { sharedFraction } from '../../models/multitask/net.ts'
import { type ArmDef, ArmParams, keptLabel, runArmTrial } from '../../studies/multitask/arm.ts'
import { convAlpha, FEATURE_SCALES, IRRELEVANCE_RULES, pamMerge } from './merge.ts'

const Params = ArmParams.extend({
  /** MI threshold of the dense layers' irrelevance sets, nats (the official fc default). @default 0.05 */
  alpha: z.number().nonnegative().default(0.05),
  /**
   * MI threshold of the conv layers' irrelevance sets, nats. By default it follows `alpha` at the
   * official defaults' ratio (0.01 for conv to 0.05 for fc), so a sweep of `alpha` moves both.
   * @default alpha / 5
   */
  alphaConv: z.number().nonnegative().optional(),
  /** KDE noise variance σ². @default 0.1 */
  sigma2: z.number().positive().default(0.1),
  /** Samples of the common batch the MI is estimated on. @default 200 */
  miSamples: z.number().int().min(8).default(200),
  /**
   * Scaling of each layer's features before the KDE: by the layer's largest output, to unit mean
   * standard deviation, or none (raw post-ReLU outputs, as the official code). @default 'max'
   */
  miScale: z.enum(FEATURE_SCALES).default('max'),
  /**
   * Scaling of each conv layer's max-pooled channel features before the KDE. 'max' (the dense
   * layers' rule) makes their MI so small that the marginal rule at α_conv 0.01 deletes nearly
   * every conv1 channel of LeNet-5 (results/reference/pam/lenet5-small); 'std' (unit mean
   * standard deviation per layer) keeps the channels a task needs. @default 'std'
   */
  miScaleConv: z.enum(FEATURE_SCALES).default('std'),
  /**
   * Irrelevance rule: the greedy joint set whose MI stays within α ('joint', the official code's
   * rule), or each neuron whose own MI is within α ('marginal'). The joint set's MI grows with
   * every neuron added, so it stops after a handful and leaves most neurons that are individually
   * uninformative for a task counted as relevant to it: the merged net comes out mostly shared
   * (C2 near 0 in the C1–C3 diagnosis) and every single task pays for it. The marginal rule fixes
   * that on the MLP (results/reference/pam). On LeNet-5 it is not safe: with max-scaled conv
   * features it deleted task B's every conv1 channel on 3 of 3 seeds, and with the conv layers
   * calibrated (`miScaleConv` 'std') the max-scaled fc layers still lost B's neurons on 1 of 3
   * seeds (B −73 points; results/reference/pam-lenet5-halves), so it is not the default.
   * @default 'joint'
   */
  irrelevance: z.enum(IRRELEVANCE_RULES).default('joint'),
}).strict()
type Params = z.output<typeof Params>

const arm: ArmDef<Params> = {
  name: 'pam',
  key: (p) => ({
    alpha: p.alpha,
    alphaConv: convAlpha(p),
    sigma2: p.sigma2,
    miSamples: p.miSamples,
    miScale: p.miScale,
    miScaleConv: p.miScaleConv,
    irrelevance: p.irrelevance,
  }),
  async build({ pre, data, rng, fineTuneAndPrune }, p) {
    const merged = pamMerge(
      pre.nets,
      data.train,
      data.classes,
      {
        alpha: p.alpha,
        alphaConv: convAlpha(p),
        sigma2: p.sigma2,
        samples: p.miSamples,
        scale: p.miScale,
        scaleConv: p.miScaleConv,
        rule: p.irrelevance,
      },
      rng,
    )
    const sharedBefore = sharedFraction(merged.net)
    const keptBefore = keptLabel(merged.net)
    const { rounds } = fineTuneAndPrune(merged.net)
    return {
      net: merged.net,
      rounds,
      facts: { sharedBeforePrune: sharedBefore, keptBeforePrune: keptBefore },
    }
  },
}

export const pam: SubjectDef<Params, MnistTaskSet> = {
  name: 'pam',
  kind: 'method',
  description:
    'Pruning-Aware Merging: MI-regrouped shared/task-specific partitions, then the shared Taylor pruner',
  params: Params,
  run: (ctx, { params, dataset }) => runArmTrial(ctx, dataset.data, arm, params),
}
