/**
 * `effbench merge`: union the records of several run folders (shards, machines) into one.
 * Duplicates by key are dropped; records from different environments are refused unless forced,
 * since their timings cannot be compared. The output folder's existing records are never
 * rewritten: new records are appended.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fail } from '../messages.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import { SHARD_FILE, type ShardManifest } from '../run/shard.ts'
import type { Logger } from '../types.ts'
import { appendRecord, formatProblem, readRecords } from './jsonl.ts'
import type { TrialRecord } from './record.ts'

export interface MergeResult {
  added: number
  duplicates: number
  kept: number
}

export function mergeRuns(
  out: string,
  inputs: readonly string[],
  options: { force: boolean; logger: Logger },
): MergeResult {
  const incoming: TrialRecord[] = []
  for (const dir of inputs) {
    const file = join(dir, RECORDS_FILE)
    if (!existsSync(file)) fail('mergeNoRecords', dir)
    const { records, problems } = readRecords(file)
    for (const p of problems) options.logger.warn(`${formatProblem(p)}; the line is not merged`)
    incoming.push(...records)
  }
  // Shards split differently (one balanced by costs, one by key hash, or by other costs) do not
  // partition the trials: some would be run twice and some never.
  const shards = inputs.flatMap((dir) => {
    const f = join(dir, SHARD_FILE)
    return existsSync(f) ? [{ dir, m: JSON.parse(readFileSync(f, 'utf8')) as ShardManifest }] : []
  })
  const splits = new Set(shards.map(({ m }) => `${m.count}/${m.total}/${m.split}`))
  if (splits.size > 1 && !options.force) {
    const what = shards.map(
      ({ dir, m }) => `"${dir}" ${m.index}/${m.count} of ${m.total} by ${m.split}`,
    )
    fail('mergeSplitDiffers', what)
  }
  const outFile = join(out, RECORDS_FILE)
  const existing = readRecords(outFile).records
  const envs = new Set([...existing, ...incoming].map((r) => r.envHash))
  if (envs.size > 1 && !options.force) {
    fail('mergeMixedEnvironments', [...envs])
  }
  // Only a merge that goes ahead creates the output folder.
  mkdirSync(out, { recursive: true })
  const seen = new Set(existing.map((r) => r.key))
  let added = 0
  let duplicates = 0
  for (const r of incoming) {
    if (seen.has(r.key)) {
      duplicates++
      continue
    }
    seen.add(r.key)
    appendRecord(outFile, r)
    added++
  }
  // Resolved suites and environments travel with the records.
  mkdirSync(join(out, 'suites'), { recursive: true })
  const environments: Record<string, unknown> = {}
  const sittings: unknown[] = []
  for (const dir of [out, ...inputs]) {
    const suites = join(dir, 'suites')
    if (dir !== out && existsSync(suites)) {
      for (const f of readdirSync(suites))
        if (!existsSync(join(out, 'suites', f)))
          copyFileSync(join(suites, f), join(out, 'suites', f))
    }
    const envFile = join(dir, 'env.json')
    if (!existsSync(envFile)) continue
    const file = JSON.parse(readFileSync(envFile, 'utf8'))
    Object.assign(environments, file.environments ?? {})
    sittings.push(...(file.sittings ?? []))
  }
  const merged = sittings.length > 0 ? { environments, sittings } : { environments }
  writeFileSync(join(out, 'env.json'), `${JSON.stringify(merged, null, 2)}\n`)
  return { added, duplicates, kept: existing.length }
}
