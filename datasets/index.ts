/** The datasets: the explicit list handed to the harness, and the public face of datasets/. */

import { brownLm } from './brown-lm.ts'
import { centralityGraphs } from './centrality-graphs.ts'
import { countriesKb } from './countries-kb.ts'
import { denseStack } from './dense-stack.ts'
import { footballMultiplex } from './football-multiplex.ts'
import { kinshipKb } from './kinship-kb.ts'
import { mnist } from './mnist.ts'
import { mnistSegmentation } from './mnist-segmentation.ts'
import { mnistTasks } from './mnist-tasks.ts'
import { multilayerSbm } from './multilayer-sbm.ts'
import { qaBabi } from './qa-babi.ts'
import { qaCountries } from './qa-countries.ts'
import { singleLayerGraphs } from './single-layer-graphs.ts'
import { syntheticImages } from './synthetic-images.ts'
import { zipfLm } from './zipf-lm.ts'

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
  multilayerSbm,
  footballMultiplex,
  singleLayerGraphs,
  centralityGraphs,
  brownLm,
  zipfLm,
  mnistSegmentation,
  countriesKb,
  kinshipKb,
] as const
