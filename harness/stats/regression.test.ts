import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../run/rng.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { historyFloors, regressionGate, relativeToBaseline } from './regression.ts'

/** Records of one run: subjects × 3 seeds, a timed metric (lognormal noise) and an accuracy. */
function run(
  seed: number,
  slow: Record<string, number> = {},
  accuracyDrop: Record<string, number> = {},
): TrialRecord[] {
  const rng = new Rng(seed)
  const out: TrialRecord[] = []
  for (const subject of ['a', 'b', 'c']) {
    for (let rep = 0; rep < 3; rep++) {
      const base = subject === 'a' ? 1 : subject === 'b' ? 2 : 5
      const samples = Array.from(
        { length: 200 },
        () => base * (1 + (slow[subject] ?? 0)) * Math.exp(0.05 * rng.normal()),
      )
      out.push({
        schema: RECORD_SCHEMA_VERSION,
        key: `${seed}-${subject}-${rep}`,
        configKey: `${subject}-${rep}`,
        suite: 's',
        profile: 'default',
        subject: {
          id: subject,
          name: subject,
          kind: 'method',
          params: { injectSlowdown: slow[subject] ?? 0 },
        },
        dataset: { id: 'd', name: 'd', version: '1', params: {} },
        repetition: rep,
        rootSeed: 0,
        seed: rep,
        status: 'ok',
        metrics: {
          latency_ms: { value: samples[0] as number, unit: 'ms', better: 'lower', samples },
          accuracy: {
            value: 0.9 + 0.001 * rep - (accuracyDrop[subject] ?? 0),
            unit: '',
            better: 'higher',
          },
        },
        annotations: {},
        codeVersion: 'c',
        envHash: 'e',
        startedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 1,
      })
    }
  }
  return out
}

test('regressionGate() finds no regression between two A/A runs', () => {
  const r = regressionGate(run(1), run(2))
  assert.equal(r.regressions, 0)
  assert.equal(r.comparisons.length, 6)
  assert.ok(r.timedGeomean && Math.abs(r.timedGeomean.geomean - 1) < 0.02)
})

test('regressionGate() flags exactly the subject slowed down by 30%', () => {
  const r = regressionGate(run(1), run(2, { b: 0.3 }))
  const flagged = r.comparisons.filter((c) => c.verdict === 'regressed')
  assert.deepEqual(
    flagged.map((c) => [c.subject, c.metric]),
    [['b', 'latency_ms']],
  )
  assert.ok(Math.abs((flagged[0]?.ratio ?? 0) - 1.3) < 0.03)
  // Worst first.
  assert.equal(r.comparisons[0]?.subject, 'b')
})

test('a significant change smaller than its floor is not a regression', () => {
  const r = regressionGate(run(1), run(2, { a: 0.03 }))
  const a = r.comparisons.find((c) => c.subject === 'a' && c.metric === 'latency_ms')
  assert.ok(a && a.p < 0.01, 'a 3% shift over 600 samples is significant')
  assert.equal(a?.verdict, 'unchanged')
  const strict = regressionGate(run(1), run(2, { a: 0.03 }), { floors: { latency_ms: 0.01 } })
  assert.equal(
    strict.comparisons.find((c) => c.subject === 'a' && c.metric === 'latency_ms')?.verdict,
    'regressed',
  )
})

test('an accuracy drop is compared over seeds, and an acknowledged regression does not fail', () => {
  const r = regressionGate(run(1), run(2, {}, { c: 0.05 }))
  const c = r.comparisons.find((x) => x.subject === 'c' && x.metric === 'accuracy')
  assert.equal(c?.test, 'paired-t')
  assert.equal(c?.verdict, 'regressed')
  const acked = regressionGate(run(1), run(2, {}, { c: 0.05 }), {
    acknowledged: [{ subject: 'c', metric: 'accuracy', reason: 'new loss, tracked in #12' }],
  })
  assert.equal(acked.regressions, 0)
  assert.equal(
    acked.comparisons.find((x) => x.subject === 'c' && x.metric === 'accuracy')?.verdict,
    'acknowledged',
  )
})

test('historyFloors() learns the A/A noise per metric, and groups missing on one side are reported', () => {
  const floors = historyFloors([run(1), run(2), run(3)])
  assert.ok((floors.metric.latency_ms ?? 1) < 0.05)
  assert.ok(Object.keys(floors.group).length > 0)
  const partial = run(2).filter((r) => r.subject.id !== 'c')
  const r = regressionGate(run(1), partial, { history: [run(3), run(4)] })
  assert.ok(r.skipped.some((s) => s.why === 'in the baseline run only'))
  assert.ok(r.comparisons.every((c) => c.floorSource === 'history'))
})

test('relativeToBaseline() cancels drift that moves every subject, and keeps a change of one', () => {
  const baselines = { s: 'a' }
  const drift = { a: 0.2, b: 0.2, c: 0.2 }
  const absolute = regressionGate(run(1), run(2, drift))
  assert.ok(absolute.regressions >= 2, 'a 20% drift of the machine looks like regressions')
  const relative = regressionGate(
    relativeToBaseline(run(1), baselines),
    relativeToBaseline(run(2, drift), baselines),
  )
  assert.equal(relative.regressions, 0)
  assert.ok(
    relative.comparisons.every((c) => c.subject !== 'a'),
    'the yardstick is not gated',
  )
  const slowB = regressionGate(
    relativeToBaseline(run(1), baselines),
    relativeToBaseline(run(2, { a: 0.2, b: 0.56, c: 0.2 }), baselines),
  )
  assert.deepEqual(
    slowB.comparisons.filter((c) => c.verdict === 'regressed').map((c) => [c.subject, c.metric]),
    [['b', 'latency_ms']],
  )
})
