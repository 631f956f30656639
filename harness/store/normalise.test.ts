import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { writeReport } from '../report/write.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import { aggregate, latestPerTrial } from '../stats/aggregate.ts'
import { fakeRegistries } from '../testing/fake.ts'
import type { Logger } from '../types.ts'
import { configKeyOf, normaliseRecord, normaliseRecords } from './normalise.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from './record.ts'

const registries = fakeRegistries()

/** A `scaler` record on `numbers` with the given params, as an older or newer run wrote it. */
function record(
  params: Record<string, unknown>,
  repetition: number,
  score: number,
  name = 'scaler',
): TrialRecord {
  const base = {
    suite: 'fake',
    profile: 'default' as const,
    subject: { id: 'scaler', name, kind: 'method' as const, params },
    dataset: { id: 'numbers', name: 'numbers', version: '1', params: { size: 4 } },
    repetition,
    rootSeed: 0,
  }
  const configKey = configKeyOf(base)
  return {
    schema: RECORD_SCHEMA_VERSION,
    key: `${configKey}-${score}`,
    configKey,
    ...base,
    seed: repetition,
    status: 'ok',
    metrics: { score: { value: score, unit: '', better: 'higher' } },
    annotations: {},
    codeVersion: 'c',
    envHash: 'e',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
  }
}

/** Written before `sleepMs`, `fail` and `skip` existed: only `scale`. */
const old = record({ scale: 2 }, 0, 1)
/** Written after, with every default explicit. */
const full = { scale: 2, sleepMs: 0, fail: false, skip: false }
const newer = record(full, 1, 3)

test('records differing only by a defaulted param group as one configuration', () => {
  assert.equal(aggregate([old, newer]).length, 2, 'as written they split into two groups')
  const groups = aggregate(normaliseRecords([old, newer], registries))
  assert.equal(groups.length, 1)
  assert.equal(groups[0]?.n, 2)
  assert.deepEqual(groups[0]?.subject.params, full)
  assert.equal(groups[0]?.metrics.score?.mean, 2)
})

test('normaliseRecord() recomputes the configKey, so a re-run supersedes the older record', () => {
  const rerun = record(full, 0, 5)
  const n = normaliseRecord(old, registries)
  assert.equal(n.configKey, rerun.configKey)
  assert.notEqual(old.configKey, rerun.configKey)
  const kept = latestPerTrial(normaliseRecords([old, rerun], registries))
  assert.deepEqual(
    kept.map((r) => r.metrics.score?.value),
    [5],
  )
})

test('normaliseRecord() keeps a record unchanged when nothing is missing or it cannot parse', () => {
  assert.equal(normaliseRecord(newer, registries), newer)
  // A non-default value stays its own configuration.
  const other = record({ scale: 2, sleepMs: 5 }, 0, 1)
  assert.equal(normaliseRecord(other, registries).subject.params.sleepMs, 5)
  assert.equal(aggregate(normaliseRecords([other, newer], registries)).length, 2)
  // A param the schema no longer knows, or a subject no longer registered: left as written.
  const removed = record({ scale: 2, gone: 1 }, 0, 1)
  assert.equal(normaliseRecord(removed, registries), removed)
  const unknown = record({ scale: 2 }, 0, 1, 'retired')
  assert.equal(normaliseRecord(unknown, registries), unknown)
})

test('writeReport() with registries shows an older and a newer record as one table row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'effbench-normalise-'))
  const logger: Logger = { info() {}, warn() {}, debug() {} }
  try {
    writeFileSync(
      join(dir, RECORDS_FILE),
      `${[old, newer].map((r) => JSON.stringify(r)).join('\n')}\n`,
    )
    const rows = () =>
      readFileSync(join(dir, 'table.md'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('| scaler'))
    await writeReport(dir, logger)
    assert.equal(rows().length, 2)
    await writeReport(dir, logger, dir, [], registries)
    assert.equal(rows().length, 1)
    assert.match(rows()[0] as string, /\| 2 \|/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
