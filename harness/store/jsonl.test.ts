import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { appendRecord, readRecords } from './jsonl.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from './record.ts'

function fakeRecord(key: string, extra: Partial<TrialRecord> = {}): TrialRecord {
  return {
    schema: RECORD_SCHEMA_VERSION,
    key,
    configKey: `c-${key}`,
    suite: 's',
    profile: 'smoke',
    subject: { id: 'a', name: 'a', kind: 'method', params: {} },
    dataset: { id: 'd', name: 'd', version: '1', params: {} },
    repetition: 0,
    rootSeed: 0,
    seed: 1,
    status: 'ok',
    metrics: { acc: { value: 0.9, unit: '', better: 'higher' } },
    annotations: {},
    codeVersion: 'c',
    envHash: 'e',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    ...extra,
  }
}

test('appendRecord() then readRecords() round-trips records', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'eb-')), 'records.jsonl')
  appendRecord(file, fakeRecord('k1'))
  appendRecord(file, fakeRecord('k2'))
  const { records, problems } = readRecords(file)
  assert.deepEqual(problems, [])
  assert.deepEqual(
    records.map((r) => r.key),
    ['k1', 'k2'],
  )
})

test('a truncated last line is reported and earlier lines are still read', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'eb-')), 'records.jsonl')
  appendRecord(file, fakeRecord('k1'))
  appendRecord(file, fakeRecord('k2'))
  const full = JSON.stringify(fakeRecord('k3'))
  appendFileSync(file, full.slice(0, full.length / 2))
  const { records, problems } = readRecords(file)
  assert.deepEqual(
    records.map((r) => r.key),
    ['k1', 'k2'],
  )
  assert.equal(problems.length, 1)
  assert.equal(problems[0]?.line, 3)
  assert.match(problems[0]?.message ?? '', /truncated last line/)

  // The next record starts on a line of its own; the damaged line is left as it was.
  const before = readFileSync(file, 'utf8')
  appendRecord(file, fakeRecord('k4'))
  assert.ok(readFileSync(file, 'utf8').startsWith(before))
  const after = readRecords(file)
  assert.deepEqual(
    after.records.map((r) => r.key),
    ['k1', 'k2', 'k4'],
  )
  assert.equal(after.problems.length, 1)
  assert.match(after.problems[0]?.message ?? '', /not valid JSON/)
})

test('a line that is JSON but not a record names the field', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'eb-')), 'records.jsonl')
  writeFileSync(
    file,
    `${JSON.stringify({ ...fakeRecord('k1'), status: 'done' })}\n${JSON.stringify(fakeRecord('k2'))}\n`,
  )
  const { records, problems } = readRecords(file)
  assert.deepEqual(
    records.map((r) => r.key),
    ['k2'],
  )
  assert.match(problems[0]?.message ?? '', /^not a valid record: status: /)
})
