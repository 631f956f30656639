/** The datasets: the explicit list handed to the harness, and the public face of datasets/. */
import { mnist } from './mnist.ts'
import { mnistTasks } from './mnist-tasks.ts'
import { syntheticImages } from './synthetic-images.ts'

export * from './image-data.ts'
export * from './mnist.ts'
export * from './mnist-tasks.ts'
export * from './synthetic-images.ts'

/** Every dataset, in a fixed order. */
export const datasets = [mnist, mnistTasks, syntheticImages] as const
