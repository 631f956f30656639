/**
 * Pre-trained single-task nets, the common input of every multitask arm (no merging, MTZ, PAM):
 * one LeNet-5 (or MLP) per task, trained on the task's labelled rows and cached per (config, task, shared
 * seed), so all arms of one dataset point and repetition start from the same nets.
 */
import { z } from 'zod'
import { Rng } from '../../harness/run/rng.ts'
import type { TrialContext } from '../../harness/types.ts'
import { buildNet, cloneNet, type MultiNet, type NetSpec } from './net.ts'
import type { TaskData } from './task-data.ts'
import { evaluateTasks, labelledRows, singleTask, Trainer } from './train.ts'

/** The single-task architectures: an MLP, or LeNet-5 (5×5 same convs, each then a 2×2 max-pool). */
export const MODELS = ['mlp', 'lenet5'] as const
export type ModelKind = (typeof MODELS)[number]

/** Default dense widths of each model kind. */
export const DEFAULT_HIDDEN: Record<ModelKind, number[]> = { mlp: [48, 24], lenet5: [120, 84] }
/**
 * Default pre-training learning rate of each model kind: LeNet-5 under the tanh-MSE loss with
 * momentum 0.9 diverges at 0.05 and is unreliable at 0.02 (one of two halves nets stalled at
 * 78 % validation accuracy), 0.01 trains both to ~97 % in 3 epochs.
 */
export const DEFAULT_PRETRAIN_LR: Record<ModelKind, number> = { mlp: 0.02, lenet5: 0.01 }

export const PretrainParams = z.strictObject({
  /** @default 'mlp' */
  model: z.enum(MODELS).default('mlp'),
  /** Output channels of the conv layers (model 'lenet5'). @default [6, 16] */
  channels: z.array(z.number().int().positive()).min(1).default([6, 16]),
  /** Dense hidden widths (of the MLP, or after LeNet-5's convs). @default [48, 24] */
  hidden: z.array(z.number().int().positive()).min(1).default([48, 24]),
  /** @default 4 */
  epochs: z.number().int().positive().default(4),
  /** @default 0.02 */
  lr: z.number().positive().default(0.02),
  /** @default 32 */
  batch: z.number().int().positive().default(32),
})
export type PretrainParams = z.output<typeof PretrainParams>

/** The architecture of one single-task net on images of `image`'s shape. */
export function netSpecOf(
  params: Pick<PretrainParams, 'model' | 'channels' | 'hidden'>,
  image: NetSpec['input'],
): NetSpec {
  const conv =
    params.model === 'lenet5'
      ? params.channels.map((channels) => ({ channels, kernel: 5, pool: true }))
      : []
  return { input: image, conv, dense: params.hidden }
}

export interface PretrainedNets {
  nets: MultiNet[]
  /** Per task, accuracy (%) of its own unpruned net on the validation and test splits. */
  valAcc: number[]
  testAcc: number[]
}

/** Trains (or reuses from the cache) one net per task; returns deep copies the caller may change. */
export async function pretrainedNets(
  ctx: TrialContext,
  data: TaskData,
  params: PretrainParams,
): Promise<PretrainedNets> {
  const key = {
    artifact: 'multitask-pretrained',
    v: 2,
    params,
    tasks: data.names,
    n: data.train.n,
    seed: ctx.sharedSeed,
  }
  const made = await ctx.cache.getOrCreate(key, async () => {
    const root = new Rng(ctx.sharedSeed).fork('pretrain')
    const nets: MultiNet[] = []
    const valAcc: number[] = []
    const testAcc: number[] = []
    data.names.forEach((name, t) => {
      const rng = root.fork(`${t}:${name}`)
      const net = buildNet(netSpecOf(params, data.image), data.classes[t]!, rng)
      const train = singleTask(data.train, t)
      const pool = labelledRows(train)
      const trainer = new Trainer(net, { lr: params.lr, momentum: 0.9, batch: params.batch })
      const steps = Math.ceil((params.epochs * pool.length) / params.batch)
      trainer.run(train, pool, steps, rng)
      valAcc.push(evaluateTasks(net, singleTask(data.val, t))[0]!)
      testAcc.push(evaluateTasks(net, singleTask(data.test, t))[0]!)
      nets.push(net)
      ctx.progress.update(t + 1, data.names.length, `pre-train ${name}`)
    })
    return { nets, valAcc, testAcc }
  })
  return { nets: made.nets.map(cloneNet), valAcc: [...made.valAcc], testAcc: [...made.testAcc] }
}
