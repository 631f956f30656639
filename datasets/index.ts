/** The datasets: the explicit list handed to the harness, and the public face of datasets/. */
import { countriesKb } from './countries-kb.ts'
import { denseStack } from './dense-stack.ts'
import { kinshipKb } from './kinship-kb.ts'
import { mnist } from './mnist.ts'
import { mnistTasks } from './mnist-tasks.ts'
import { prunedEncoder } from './pruned-encoder.ts'
import { qaBabi } from './qa-babi.ts'
import { qaCountries } from './qa-countries.ts'
import { sparseMatmul } from './sparse-matmul.ts'
import { syntheticImages } from './synthetic-images.ts'

export * from './image-data.ts'
export * from './mnist.ts'
export * from './mnist-tasks.ts'
export * from './synthetic-images.ts'

/** Every dataset, in a fixed order. */
export const datasets = [
  mnist,
  mnistTasks,
  syntheticImages,
  qaBabi,
  qaCountries,
  denseStack,
  sparseMatmul,
  prunedEncoder,
  countriesKb,
  kinshipKb,
] as const
