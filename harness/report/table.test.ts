import assert from 'node:assert/strict'
import { test } from 'node:test'
import { median } from '../stats/describe.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { buildTables, tablesToCsv, tableToMarkdown } from './table.ts'

/** One record of `subject` whose latency samples are all `ms`. */
function record(subject: string, ms: number, rep = 0): TrialRecord {
  const samples = Array.from({ length: 20 }, (_, i) => ms * (1 + 0.001 * i))
  return {
    schema: RECORD_SCHEMA_VERSION,
    key: `${subject}-${rep}`,
    configKey: `${subject}-${rep}`,
    suite: 's',
    profile: 'default',
    subject: { id: subject, name: subject, kind: 'method', params: {} },
    dataset: { id: 'd', name: 'd', version: '1', params: {} },
    repetition: rep,
    rootSeed: 0,
    seed: rep,
    status: 'ok',
    metrics: { latency_ms: { value: median(samples), unit: 'ms', better: 'lower', samples } },
    annotations: {},
    codeVersion: 'c',
    envHash: 'e',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
  }
}

const records = [
  record('dense-1t', 10),
  record('dense-2t', 6),
  record('sparse-1t', 2),
  record('sparse-2t', 1.5),
]

test("buildTables() takes a subject's ratio against its own baseline where it names one", () => {
  const [t] = buildTables(
    {
      name: 's',
      baseline: 'dense-1t',
      baselineOf: { 'sparse-2t': 'dense-2t' },
      tables: [{ name: 'latency', metrics: ['latency_ms'] }],
    },
    records,
  )
  assert.ok(t)
  const ratio = (id: string) => t.rows.find((r) => r.group.subject.id === id)?.ratio
  // Ratios of medians, oriented so > 1 is faster than the baseline.
  assert.ok(Math.abs((ratio('sparse-1t')?.value ?? 0) - 5) < 1e-6)
  assert.equal(ratio('sparse-1t')?.baseline, 'dense-1t')
  assert.ok(Math.abs((ratio('sparse-2t')?.value ?? 0) - 4) < 1e-6)
  assert.equal(ratio('sparse-2t')?.baseline, 'dense-2t')
  const md = tableToMarkdown(t)
  assert.match(md, /\| sparse-2t \| 1 \| .* \| 4\.00 \[\d\.\d\d, \d\.\d\d\] vs dense-2t \|/)
  assert.match(md, /\| sparse-1t \| 1 \| .* \| 5\.00 \[\d\.\d\d, \d\.\d\d\] \|/)
  assert.match(tablesToCsv([t]), /sparse-2t,latency_ms,.*,dense-2t,4,/)
})

test('without per-subject baselines every ratio is against the suite baseline', () => {
  const [t] = buildTables(
    { name: 's', baseline: 'dense-1t', tables: [{ name: 'latency', metrics: ['latency_ms'] }] },
    records,
  )
  const r = t?.rows.find((x) => x.group.subject.id === 'sparse-2t')?.ratio
  assert.ok(r && Math.abs(r.value - 10 / 1.5) < 1e-6 && r.baseline === 'dense-1t')
})
