#!/usr/bin/env zx
// npm run paper [-- <run-dir...>] [--out <dir>]: rebuild every declared table and figure of the
// chosen runs (default: every run folder under results/) from stored records only.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { $, argv } from 'zx'

$.verbose = true
const runs =
  argv._.length > 0
    ? argv._
    : readdirSync('results')
        .map((d) => join('results', d))
        .filter((d) => existsSync(join(d, 'records.jsonl')))
        .sort()
if (runs.length === 0) {
  console.error(
    'npm run paper: no run folder with records under results/; run `npm run bench` first',
  )
  process.exit(2)
}
await $`node bin/effbench.js paper ${runs} --out ${argv.out ?? 'paper'}`
