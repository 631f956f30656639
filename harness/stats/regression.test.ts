import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../run/rng.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import {
  type GateOptions,
  historyNoise,
  measurementBlocks,
  noiseFloor,
  regressionGate,
  relativeToBaseline,
  withinRunNoise,
} from './regression.ts'

/** The gate with within-run floors (what most tests here exercise); the CLI default is `unjudged`. */
const gate = (a: readonly TrialRecord[], b: readonly TrialRecord[], options: GateOptions = {}) =>
  regressionGate(a, b, { withoutHistory: 'within-run', ...options })

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

test('gate() finds no regression between two A/A runs', () => {
  const r = gate(run(1), run(2))
  assert.equal(r.regressions, 0)
  assert.equal(r.comparisons.length, 6)
  assert.ok(r.timedGeomean && Math.abs(r.timedGeomean.geomean - 1) < 0.02)
})

test('gate() flags exactly the subject slowed down by 30%', () => {
  const r = gate(run(1), run(2, { b: 0.3 }))
  const flagged = r.comparisons.filter((c) => c.verdict === 'regressed')
  assert.deepEqual(
    flagged.map((c) => [c.subject, c.metric]),
    [['b', 'latency_ms']],
  )
  assert.ok(Math.abs((flagged[0]?.ratio ?? 0) - 1.3) < 0.03)
  // Worst first.
  assert.equal(r.comparisons[0]?.subject, 'b')
})

test('interference that adds time to some calls is not a regression; a slower code path is', () => {
  // Other processes only add time: 40% of b's calls take 1.5-3x longer. Its median moves by
  // about a third, its 10th percentile (where the gate locates timings) does not.
  const loaded = run(2).map((r) => {
    const m = r.metrics.latency_ms as NonNullable<TrialRecord['metrics'][string]>
    if (r.subject.id !== 'b' || !m.samples) return r
    const rng = new Rng(77 + r.repetition)
    const samples = m.samples.map((x) => (rng.next() < 0.4 ? x * (1.5 + 1.5 * rng.next()) : x))
    return { ...r, metrics: { ...r.metrics, latency_ms: { ...m, samples } } }
  })
  const quiet = gate(run(1), loaded)
  const b = quiet.comparisons.find((c) => c.subject === 'b' && c.metric === 'latency_ms')
  assert.equal(b?.verdict, 'unchanged')
  assert.ok(b && Math.abs(b.ratio - 1) < 0.03, `10th-percentile ratio ${b?.ratio}`)
  const slower = gate(run(1), run(2, { b: 0.3 }))
  assert.equal(
    slower.comparisons.find((c) => c.subject === 'b' && c.metric === 'latency_ms')?.verdict,
    'regressed',
  )
})

test('a significant change smaller than its floor is not a regression', () => {
  const r = gate(run(1), run(2, { a: 0.03 }))
  const a = r.comparisons.find((c) => c.subject === 'a' && c.metric === 'latency_ms')
  assert.ok(a && a.p < 0.01, 'a 3% shift over 600 samples is significant')
  assert.equal(a?.verdict, 'unchanged')
  const strict = gate(run(1), run(2, { a: 0.03 }), { floors: { latency_ms: 0.01 } })
  assert.equal(
    strict.comparisons.find((c) => c.subject === 'a' && c.metric === 'latency_ms')?.verdict,
    'regressed',
  )
})

test('an accuracy drop is compared over seeds, and an acknowledged regression does not fail', () => {
  const r = gate(run(1), run(2, {}, { c: 0.05 }))
  const c = r.comparisons.find((x) => x.subject === 'c' && x.metric === 'accuracy')
  assert.equal(c?.test, 'paired-t')
  assert.equal(c?.verdict, 'regressed')
  const acked = gate(run(1), run(2, {}, { c: 0.05 }), {
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
  const naive = gate(withShift(7), withShift(8), {
    defaultTimedFloor: 0.02,
    withoutHistory: 'default-floor',
  })
  const gated = gate(withShift(7), withShift(8), { history, defaultTimedFloor: 0.02 })
  const timed = gated.comparisons.filter((c) => c.metric === 'latency_ms')
  assert.ok(
    naive.comparisons.some((c) => c.metric === 'latency_ms' && c.verdict === 'regressed'),
    'without history a 2% floor flags run-to-run noise',
  )
  assert.equal(gated.regressions, 0)
  assert.ok(timed.every((c) => c.floorSource === 'history' && c.floorRuns === 6))
  const slow = gate(withShift(7), withShift(8, { b: 0.3 }), { history })
  assert.deepEqual(
    slow.comparisons.filter((c) => c.verdict === 'regressed').map((c) => [c.subject, c.metric]),
    [['b', 'latency_ms']],
  )
  // A group that history never saw falls back to the metric's noise pooled over groups.
  const withoutC = history.map((h) => h.filter((x) => x.subject.id !== 'c'))
  const c = gate(withShift(7), withShift(8), { history: withoutC }).comparisons.find(
    (x) => x.subject === 'c' && x.metric === 'latency_ms',
  )
  const pooled = historyNoise(withoutC).metric.latency_ms
  assert.ok(c && pooled)
  assert.equal(c.floor, Math.max(0.05, noiseFloor(pooled, 0.01)))
})

test('relativeToBaseline() cancels drift that moves every subject, and keeps a change of one', () => {
  const baselines = { s: 'a' }
  const drift = { a: 0.2, b: 0.2, c: 0.2 }
  const absolute = gate(run(1), run(2, drift))
  assert.ok(absolute.regressions >= 2, 'a 20% drift of the machine looks like regressions')
  const relative = gate(
    relativeToBaseline(run(1), baselines),
    relativeToBaseline(run(2, drift), baselines),
  )
  assert.equal(relative.regressions, 0)
  assert.ok(
    relative.comparisons.every((c) => c.subject !== 'a'),
    'the yardstick is not gated',
  )
  const slowB = gate(
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
  const r = gate(run(1), run(2), { history: elsewhere })
  assert.ok(r.skipped.some((s) => s.what === '2 history runs' && s.why.includes('environment')))
  assert.ok(r.comparisons.every((c) => c.floorSource !== 'history'))
})

test('measurementBlocks() recovers sorted rounds, cuts time-ordered samples in 4, and refuses one sorted run', () => {
  // Three tinybench rounds, each handed back sorted ascending.
  assert.deepEqual(measurementBlocks([1, 2, 5, 0.5, 3, 4, 2, 2, 9]), [
    [1, 2, 5],
    [0.5, 3, 4],
    [2, 2, 9],
  ])
  // Alternating (time-ordered) samples: one descent per pair is no round structure.
  const ordered = [3, 1, 4, 1, 5, 2, 6, 2]
  assert.deepEqual(measurementBlocks(ordered), [
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
  ])
  assert.deepEqual(measurementBlocks([1, 2, 3, 4, 5, 6, 7, 8, 9]), [])
  assert.deepEqual(measurementBlocks([3, 1, 2]), [])
})

test('withinRunNoise() pools the sd of log block medians of both runs', () => {
  const e = Math.exp
  // Baseline blocks with medians e^0, e^0.2; candidate e^0.1, e^0.1, e^0.4 (sorted rounds of 3).
  const round = (m: number) => [m * 0.5, m, m * 2]
  const base = [...round(e(0)), ...round(e(0.2))]
  const cand = [...round(e(0.1)), ...round(e(0.1)), ...round(e(0.4))]
  const noise = withinRunNoise(base, cand)
  assert.ok(noise)
  // Sums of squares about each run's mean: 2·0.1² = 0.02 and 2·0.1² + 0.2² = 0.06, over 1 + 2 df.
  assert.ok(Math.abs(noise.sd - Math.sqrt(0.08 / 3)) < 1e-12)
  assert.equal(noise.df, 3)
  assert.equal(noise.runs, 5)
  assert.equal(withinRunNoise(round(1), cand), undefined, 'one block says nothing')
})

test('without history, within-run floors keep A/A run-level noise quiet and still catch 30%', () => {
  // Rounds of 8 samples, each round at its own level (sd 25% in log): the load moves between
  // rounds as it moves between runs. Sorted within a round, as tinybench returns them.
  const noisyRun = (seed: number, slow = 0) =>
    run(seed).map((r) => {
      const rng = new Rng(5000 + seed * 7 + r.repetition)
      const samples: number[] = []
      for (let k = 0; k < 6; k++) {
        const level = Math.exp(0.25 * rng.normal()) * (r.subject.id === 'b' ? 1 + slow : 1)
        const round = Array.from({ length: 8 }, () => level * Math.exp(0.02 * rng.normal()))
        samples.push(...round.sort((x, y) => x - y))
      }
      const m = r.metrics.latency_ms as NonNullable<TrialRecord['metrics'][string]>
      return { ...r, metrics: { ...r.metrics, latency_ms: { ...m, samples } } }
    })
  let before = 0
  let after = 0
  for (let i = 0; i < 10; i++) {
    const a = noisyRun(2 * i)
    const b = noisyRun(2 * i + 1)
    before += gate(a, b, { withoutHistory: 'default-floor' }).regressions
    after += gate(a, b).regressions
  }
  assert.ok(before >= 3, `the default floor cries wolf on round-level noise (${before})`)
  assert.equal(after, 0)
  const slow = gate(noisyRun(100), noisyRun(101, 1.0))
  const b = slow.comparisons.find((c) => c.subject === 'b' && c.metric === 'latency_ms')
  assert.equal(b?.verdict, 'regressed')
  assert.equal(b?.floorSource, 'within-run')
  assert.ok(b && b.floor > 0.05 && b.floor < 1)
})

test('a timed metric with no history and no blocks is unjudged, never a regression', () => {
  // One repetition of one sorted round: nothing to tell blocks apart (three repetitions would be
  // three blocks).
  const sortedRun = (seed: number, slow: Record<string, number> = {}) =>
    run(seed, slow)
      .filter((r) => r.repetition === 0)
      .map((r) => {
        const m = r.metrics.latency_ms as NonNullable<TrialRecord['metrics'][string]>
        const samples = [...(m.samples ?? [])].sort((x, y) => x - y)
        return { ...r, metrics: { ...r.metrics, latency_ms: { ...m, samples } } }
      })
  const r = gate(sortedRun(1), sortedRun(2, { b: 0.5 }))
  const timed = r.comparisons.filter((c) => c.metric === 'latency_ms')
  assert.ok(timed.every((c) => c.verdict === 'unjudged'))
  assert.equal(r.regressions, 0)
  // An explicit floor still judges it.
  const judged = gate(sortedRun(1), sortedRun(2, { b: 0.5 }), {
    floors: { latency_ms: 0.1 },
  })
  assert.equal(judged.regressions, 1)
})

test('by default, without history a timed change is unjudged and only the other metrics can fail', () => {
  const r = regressionGate(run(1), run(2, { b: 0.5 }, { c: 0.05 }))
  const timed = r.comparisons.filter((c) => c.metric === 'latency_ms')
  assert.ok(timed.length > 0 && timed.every((c) => c.verdict === 'unjudged'))
  assert.deepEqual(
    r.comparisons.filter((c) => c.verdict === 'regressed').map((c) => [c.subject, c.metric]),
    [['c', 'accuracy']],
  )
  // With history the same slowdown is judged (and caught).
  const history = [run(3), run(4), run(5), run(6)]
  const judged = regressionGate(run(1), run(2, { b: 0.5 }), { history })
  assert.equal(
    judged.comparisons.find((c) => c.subject === 'b' && c.metric === 'latency_ms')?.verdict,
    'regressed',
  )
})
