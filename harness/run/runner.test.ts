import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { resolveSuite } from '../spec/resolve.ts'
import type { SuiteSpec } from '../spec/schema.ts'
import { readRecords } from '../store/jsonl.ts'
import { mergeRuns } from '../store/merge.ts'
import { fakeRegistries, fakeSuite } from '../testing/fake.ts'
import { createRunEnvironment } from './environment.ts'
import { RECORDS_FILE, type RunOptions, runTrials } from './runner.ts'

const registries = fakeRegistries()
const quiet = { info() {}, warn() {}, debug() {} }

function options(
  outDir: string,
  extra: Partial<Omit<RunOptions, 'env'>> & { envHash?: string } = {},
): RunOptions {
  let t = 0
  const { envHash = 'e', ...rest } = extra
  const env = createRunEnvironment(
    { device: 'cpu', threads: 1, codeVersion: 'c', envHash },
    {
      registries,
      logger: quiet,
      clock: { now: () => (t += 1), timestamp: () => '2026-01-01T00:00:00.000Z' },
    },
  )
  return { outDir, env, sink: { write() {} }, ...rest }
}

const trialsOf = (spec: SuiteSpec, overrides: string[] = []) =>
  resolveSuite(spec, registries, {
    profile: 'smoke',
    rootSeed: 0,
    codeVersion: 'c',
    envHash: 'e',
    overrides,
  }).trials

const tmp = () => mkdtempSync(join(tmpdir(), 'eb-run-'))

test('runTrials() records every trial once and skips them on a second run', async () => {
  const dir = tmp()
  const trials = trialsOf(fakeSuite)
  const first = await runTrials(trials, options(dir))
  assert.equal(first.ok, trials.length)
  const second = await runTrials(trials, options(dir))
  assert.equal(second.alreadyDone, trials.length)
  assert.equal(second.ok, 0)
  const { records } = readRecords(join(dir, RECORDS_FILE))
  assert.deepEqual(records.map((r) => r.key).sort(), trials.map((t) => t.key).sort())
  const forced = await runTrials(trials.slice(0, 1), options(dir, { force: true }))
  assert.equal(forced.ok, 1)
})

test('a failed trial is recorded as an error and the run goes on; --bail stops it', async () => {
  const spec = {
    ...fakeSuite,
    subjects: [{ name: 'scaler', grid: { fail: [true, false] } }],
    baseline: undefined,
  }
  const trials = trialsOf(spec)
  const dir = tmp()
  const s = await runTrials(trials, options(dir))
  assert.equal(s.failed, 2)
  assert.equal(s.ok, 2)
  const { records } = readRecords(join(dir, RECORDS_FILE))
  const failed = records.filter((r) => r.status === 'error')
  assert.equal(failed[0]?.message, 'asked to fail')
  // Errors are retried by the next run; ok trials are not.
  const again = await runTrials(trials, options(dir))
  assert.equal(again.alreadyDone, 2)
  assert.equal(again.failed, 2)

  const bailed = await runTrials(trials, options(tmp(), { bail: true }))
  assert.equal(bailed.failed, 1)
  assert.equal(bailed.ok, 0)
})

test('a subject that cannot run here is recorded as skipped with its reason', async () => {
  const dir = tmp()
  const trials = trialsOf({
    ...fakeSuite,
    subjects: [{ name: 'scaler', params: { skip: true } }],
    baseline: undefined,
  })
  const s = await runTrials(trials, options(dir))
  assert.equal(s.skipped, trials.length)
  assert.equal(readRecords(join(dir, RECORDS_FILE)).records[0]?.message, 'asked to skip')
})

test('a trial past its time limit is recorded as timed out', async () => {
  const dir = tmp()
  const trials = trialsOf(
    {
      ...fakeSuite,
      datasets: [{ name: 'numbers' }],
      subjects: [{ name: 'hang' }],
      baseline: undefined,
    },
    ['timeoutS=0.05'],
  )
  const s = await runTrials(trials, options(dir))
  assert.equal(s.failed, 1)
  assert.match(
    readRecords(join(dir, RECORDS_FILE)).records[0]?.message ?? '',
    /timed out after 0.05s/,
  )
})

test('--shard 1/2 + --shard 2/2 + merge gives the keys of an unsharded run', async () => {
  const trials = trialsOf(fakeSuite, ['seeds=3'])
  const full = tmp()
  const a = tmp()
  const b = tmp()
  await runTrials(trials, options(full))
  const s1 = await runTrials(trials, options(a, { shard: { index: 1, count: 2 } }))
  const s2 = await runTrials(trials, options(b, { shard: { index: 2, count: 2 } }))
  assert.equal(s1.inShard + s2.inShard, trials.length)
  assert.ok(s1.inShard > 0 && s2.inShard > 0)
  const merged = tmp()
  const m = mergeRuns(merged, [a, b], { force: false, logger: quiet })
  assert.equal(m.added, trials.length)
  const keys = (dir: string) =>
    readRecords(join(dir, RECORDS_FILE))
      .records.map((r) => r.key)
      .sort()
  assert.deepEqual(keys(merged), keys(full))
  // Merging again adds nothing: duplicates are dropped.
  assert.equal(mergeRuns(merged, [a, b], { force: false, logger: quiet }).added, 0)
})

test('cost-aware shards from an earlier run cover every trial once and balance its durations', async () => {
  const trials = trialsOf(fakeSuite, ['seeds=4'])
  const costs = new Map(trials.map((t, i) => [t.configKey, i === 0 ? 1000 : 10]))
  const a = tmp()
  const b = tmp()
  const s1 = await runTrials(
    trials,
    options(a, { shard: { index: 1, count: 2 }, shardCosts: costs }),
  )
  const s2 = await runTrials(
    trials,
    options(b, { shard: { index: 2, count: 2 }, shardCosts: costs }),
  )
  assert.equal(s1.inShard + s2.inShard, trials.length)
  // The one long trial gets a shard to itself.
  assert.equal(Math.min(s1.inShard, s2.inShard), 1)
  assert.equal(mergeRuns(tmp(), [a, b], { force: false, logger: quiet }).added, trials.length)
  // A shard split by key hash does not complete a cost-aware one: merge refuses the pair.
  const c = tmp()
  await runTrials(trials, options(c, { shard: { index: 2, count: 2 } }))
  assert.throws(
    () => mergeRuns(tmp(), [a, c], { force: false, logger: quiet }),
    /Cannot merge: the shards were split differently .*by costs:[0-9a-f]{12}; .*by key-hash/,
  )
})

test('merge refuses records from different environments unless forced', async () => {
  const trials = trialsOf(fakeSuite)
  const elsewhere = resolveSuite(fakeSuite, registries, {
    profile: 'smoke',
    rootSeed: 0,
    codeVersion: 'c',
    envHash: 'other',
  }).trials
  const a = tmp()
  const b = tmp()
  await runTrials(trials, options(a))
  await runTrials(elsewhere, options(b, { envHash: 'other' }))
  assert.throws(
    () => mergeRuns(tmp(), [a, b], { force: false, logger: quiet }),
    /2 different environments/,
  )
  assert.equal(mergeRuns(tmp(), [a, b], { force: true, logger: quiet }).added, 2 * trials.length)
})

test('the same suite run twice gives the same records apart from timing fields', async () => {
  const trials = trialsOf(fakeSuite)
  const strip = (dir: string) =>
    readRecords(join(dir, RECORDS_FILE)).records.map(
      ({ durationMs: _d, startedAt: _s, ...rest }) => rest,
    )
  const a = tmp()
  const b = tmp()
  await runTrials(trials, options(a))
  await runTrials(trials, options(b))
  assert.deepEqual(strip(a), strip(b))
})
