import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../run/rng.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { historyNoise, noiseFloor, regressionGate, relativeToBaseline } from './regression.ts'

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

test('historyNoise() is the sd of log run medians per group, pooled per metric for the rest', () => {
  // Three runs whose medians of subject a are e^0, e^0.1, e^0.2: sd 0.1 with 2 df.
  const shifted = (k: number) =>
    run(1).map((r) => {
      const m = r.metrics.latency_ms
      if (r.subject.id !== 'a' || !m?.samples) return r
      const samples = m.samples.map((x) => x * Math.exp(0.1 * k))
      return { ...r, metrics: { ...r.metrics, latency_ms: { ...m, samples } } }
    })
  const noise = historyNoise([shifted(0), shifted(1), shifted(2)])
  const a = Object.entries(noise.group).find(
    ([k]) => k.includes('"subject":"a"') && k.endsWith('latency_ms'),
  )?.[1]
  assert.ok(a)
  assert.ok(Math.abs(a.sd - 0.1) < 1e-12)
  assert.equal(a.df, 2)
  assert.equal(a.runs, 3)
  // b and c did not move: the pooled figure is sqrt((2·0.01 + 0 + 0) / 6).
  assert.ok(Math.abs((noise.metric.latency_ms?.sd ?? 0) - Math.sqrt(0.02 / 6)) < 1e-12)
  assert.equal(noise.metric.latency_ms?.df, 6)
})

test('noiseFloor() is the one-sided t prediction bound of an A/A log ratio', () => {
  // t(0.99, 2) = 6.964557 (tables): expm1(6.964557 · √2 · 0.1) = 1.677643.
  assert.ok(Math.abs(noiseFloor({ sd: 0.1, df: 2, runs: 3 }, 0.01) - 1.677643) < 1e-5)
  // More runs, tighter bound for the same sd: t(0.99, 4) = 3.746947.
  assert.ok(Math.abs(noiseFloor({ sd: 0.03, df: 4, runs: 5 }, 0.01) - 0.172302) < 1e-5)
})

test('floors from A/A history absorb run-to-run shifts that samples call significant', () => {
  // Each run moves every subject by its own run-level factor (sd 4% in log): within a run the
  // 200 samples make such a shift "significant", yet it is only noise between processes.
  const withShift = (seed: number, slow: Record<string, number> = {}) => {
    const rng = new Rng(1000 + seed)
    const factor: Record<string, number> = {
      a: Math.exp(0.04 * rng.normal()),
      b: Math.exp(0.04 * rng.normal()),
      c: Math.exp(0.04 * rng.normal()),
    }
    return run(seed, slow).map((r) => {
      const m = r.metrics.latency_ms
      if (!m?.samples) return r
      const samples = m.samples.map((x) => x * (factor[r.subject.id] ?? 1))
      return { ...r, metrics: { ...r.metrics, latency_ms: { ...m, samples } } }
    })
  }
  const history = [1, 2, 3, 4, 5, 6].map((s) => withShift(s))
  const naive = regressionGate(withShift(7), withShift(8), { defaultTimedFloor: 0.02 })
  const gated = regressionGate(withShift(7), withShift(8), { history, defaultTimedFloor: 0.02 })
  const timed = gated.comparisons.filter((c) => c.metric === 'latency_ms')
  assert.ok(
    naive.comparisons.some((c) => c.metric === 'latency_ms' && c.verdict === 'regressed'),
    'without history a 2% floor flags run-to-run noise',
  )
  assert.equal(gated.regressions, 0)
  assert.ok(timed.every((c) => c.floorSource === 'history' && c.floorRuns === 6))
  const slow = regressionGate(withShift(7), withShift(8, { b: 0.3 }), { history })
  assert.deepEqual(
    slow.comparisons.filter((c) => c.verdict === 'regressed').map((c) => [c.subject, c.metric]),
    [['b', 'latency_ms']],
  )
  // A group that history never saw falls back to the metric's noise pooled over groups.
  const withoutC = history.map((h) => h.filter((x) => x.subject.id !== 'c'))
  const c = regressionGate(withShift(7), withShift(8), { history: withoutC }).comparisons.find(
    (x) => x.subject === 'c' && x.metric === 'latency_ms',
  )
  const pooled = historyNoise(withoutC).metric.latency_ms
  assert.ok(c && pooled)
  assert.equal(c.floor, Math.max(0.05, noiseFloor(pooled, 0.01)))
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

test('history runs of another environment are left out of the floors, and said so', () => {
  const elsewhere = [run(3), run(4)].map((h) => h.map((r) => ({ ...r, envHash: 'other' })))
  const r = regressionGate(run(1), run(2), { history: elsewhere })
  assert.ok(r.skipped.some((s) => s.what === '2 history runs' && s.why.includes('environment')))
  assert.ok(r.comparisons.every((c) => c.floorSource === 'default'))
})
