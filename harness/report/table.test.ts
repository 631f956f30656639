import assert from 'node:assert/strict'
import { test } from 'node:test'
import { median } from '../stats/describe.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { buildTables, tablesToCsv, tableToMarkdown } from './table.ts'

/** One record of `subject` whose latency samples are all `ms`. */
function record(subject: string, ms: number, rep = 0, n = 20): TrialRecord {
  const samples = Array.from({ length: n }, (_, i) => ms * (1 + 0.001 * i))
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

test('a timed cell is the median of the pooled samples inside its own quartiles', () => {
  // Seeds with 40, 10 and 10 samples around 10, 20 and 30 ms: the median of the per-seed medians
  // is about 20, the pooled median about 10.
  const spread = [
    record('dense-1t', 10, 0, 40),
    record('dense-1t', 20, 1, 10),
    record('dense-1t', 30, 2, 10),
  ]
  const [t] = buildTables(
    { name: 's', baseline: undefined, tables: [{ name: 'latency', metrics: ['latency_ms'] }] },
    spread,
  )
  const m = t?.rows[0]?.group.metrics.latency_ms
  assert.ok(m)
  assert.match(
    tableToMarkdown(t as NonNullable<typeof t>),
    new RegExp(`\\| ${m.sampleMedian.toFixed(2)} \\[`),
  )
  assert.ok(m.sampleMedian < 11 && m.median > 19)
  assert.ok(m.q1 <= m.sampleMedian && m.sampleMedian <= m.q3)
})
