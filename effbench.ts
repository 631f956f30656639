/**
 * The composition root: hands the explicit lists of datasets, models, methods, baselines and
 * suites to the harness, which knows none of them by name. Also the CLI entry (bin/effbench.js).
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { baselines } from './baselines/index.ts'
import { datasets } from './datasets/index.ts'
import { type CliApp, runCli } from './harness/cli/index.ts'
import { createRegistries } from './harness/registry.ts'
import { methods, summaries } from './methods/index.ts'
import { models } from './models/index.ts'
import { workloads } from './studies/index.ts'
import { groups, suites } from './suites/index.ts'

export const registries = createRegistries({
  datasets: [...datasets, ...workloads],
  models,
  methods,
  baselines,
})

export const app: CliApp = {
  registries,
  suites,
  groups,
  root: dirname(fileURLToPath(import.meta.url)),
  entry: fileURLToPath(import.meta.url),
  summaries,
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runCli(process.argv.slice(2), app)
}
