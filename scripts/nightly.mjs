#!/usr/bin/env zx
// The nightly regression job: run the `default` grouping (or merge shards run elsewhere), compare
// with the last good night on the same machine, write summary.md, and exit 1 on a regression.
//
//   npm run nightly                          run here, compare, update results/nightly/last-good
//   npm run nightly -- --shard 1/2 --out d   run one shard only (CI matrix), balanced by the
//                                            durations of the last good night when there is one
//   npm run nightly -- --merge <dir...>      merge shard folders (CI matrix) instead of running
//
// Floors come from the A/A noise of earlier good nights (their folders are passed as --history).
// The comparison is relative to each suite's baseline subject (see README, regression gate).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { $, argv } from 'zx'

$.verbose = true
const root = argv.root ?? join('results', 'nightly')
const night = argv.name ?? new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')
const out = join(root, night)
mkdirSync(root, { recursive: true })
const goodFile = join(root, 'good-nights.json')
const good = existsSync(goodFile) ? JSON.parse(readFileSync(goodFile, 'utf8')) : []
const last = good.at(-1)

if (argv.shard) {
  // One shard of tonight's run; the merge job compares. Cost-aware when a good night exists.
  const costs = last ? ['--costs', join(root, last)] : []
  const shardOut = argv.out ?? `shard-${String(argv.shard).replace('/', '-of-')}`
  const run =
    await $`node bin/effbench.js run default --shard ${argv.shard} ${costs} --out ${shardOut} --no-report`.nothrow()
  process.exit(run.exitCode ?? 2)
}

if (argv.merge) {
  const shards = [argv.merge, ...argv._].flat().map(String)
  await $`node bin/effbench.js merge ${out} ${shards}`
  await $`node bin/effbench.js report ${out}`
} else {
  // A failed trial exits 1; the comparison below still runs and reports it.
  await $`node bin/effbench.js run default --out ${out}`.nothrow()
}

if (!last) {
  console.log(`nightly: no earlier good night in ${root}; ${night} becomes the reference`)
  writeFileSync(goodFile, `${JSON.stringify([night], null, 2)}\n`)
  process.exit(0)
}
const history = good.slice(-10).flatMap((n) => ['--history', join(root, n)])
const summary = join(out, 'summary.md')
// Relative mode: timings against each suite's baseline subject, trial by trial (cancels drift).
const compare =
  await $`node bin/effbench.js compare ${join(root, last)} ${out} --relative --out ${summary} ${history}`.nothrow()
if (compare.exitCode === 0) {
  writeFileSync(goodFile, `${JSON.stringify([...good, night], null, 2)}\n`)
  console.log(`nightly: no regression against ${last}; ${night} recorded as good`)
}
process.exit(compare.exitCode ?? 2)
