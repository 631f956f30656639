/** MNIST task sets as MultiNet splits: flat images plus every task's labels per split. */
import type { MnistTaskSet } from '../../datasets/mnist-tasks.ts'
import type { TaskSplit } from './train.ts'

export interface TaskData {
  inputSize: number
  /** Shape of each image (flattened channel-major in the splits). */
  image: { height: number; width: number; channels: number }
  /** Task names and class counts, in task order. */
  names: string[]
  classes: number[]
  train: TaskSplit
  /** The calibration split: the pruners' accuracy budget is checked on it. */
  val: TaskSplit
  test: TaskSplit
}

/** Splits of an mnist-tasks dataset, with images flattened (h·w·c values per row). */
export function taskDataOf(set: MnistTaskSet): TaskData {
  const split = (s: 'train' | 'calibration' | 'test'): TaskSplit => ({
    x: set[s].images,
    n: set[s].n,
    labels: set.tasks.map((t) => t.labels[s]),
  })
  return {
    inputSize: set.height * set.width * set.channels,
    image: { height: set.height, width: set.width, channels: set.channels },
    names: set.tasks.map((t) => t.name),
    classes: set.tasks.map((t) => t.numClasses),
    train: split('train'),
    val: split('calibration'),
    test: split('test'),
  }
}
