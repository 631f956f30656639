import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeRegistries, fakeSuite } from '../testing/fake.ts'
import { resolveSuite } from './resolve.ts'
import type { SuiteSpec } from './schema.ts'

const registries = fakeRegistries()
const opts = { profile: 'default' as const, rootSeed: 0, codeVersion: 'c1', envHash: 'e1' }

function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    return (e as Error).message
  }
  assert.fail('expected an error')
}

test('resolveSuite() expands grids into dataset point x seed x subject point trials', () => {
  const r = resolveSuite(fakeSuite, registries, opts)
  // 2 dataset points x 3 seeds x (1 reference + 2 scaler points)
  assert.equal(r.trials.length, 2 * 3 * 3)
  assert.deepEqual(
    r.trials
      .slice(0, 3)
      .map((t) => [t.dataset.params.size, t.repetition, t.subject.id, t.subject.params.scale]),
    [
      [4, 0, 'reference', undefined],
      [4, 0, 'scaler', 0.5],
      [4, 0, 'scaler', 2],
    ],
  )
  // Defaults of the subject's schema are filled in.
  assert.deepEqual(r.trials[1]?.subject.params, {
    scale: 0.5,
    sleepMs: 0,
    fail: false,
    skip: false,
  })
  assert.equal(new Set(r.trials.map((t) => t.key)).size, r.trials.length)
})

test('resolveSuite() keys and seeds are stable and independent of the other trials', () => {
  const a = resolveSuite(fakeSuite, registries, opts)
  const b = resolveSuite(fakeSuite, registries, {
    ...opts,
    overrides: ['datasets.numbers.grid.size=[8]'],
  })
  const bySize8 = a.trials.filter((t) => t.dataset.params.size === 8)
  assert.deepEqual(
    b.trials.map((t) => [t.key, t.seed]),
    bySize8.map((t) => [t.key, t.seed]),
  )
  const otherEnv = resolveSuite(fakeSuite, registries, { ...opts, envHash: 'e2' })
  assert.notEqual(otherEnv.trials[0]?.key, a.trials[0]?.key)
  assert.equal(otherEnv.trials[0]?.configKey, a.trials[0]?.configKey)
  assert.equal(otherEnv.trials[0]?.seed, a.trials[0]?.seed)
})

test('resolveSuite() applies the profile, then key=value overrides', () => {
  const smoke = resolveSuite(fakeSuite, registries, { ...opts, profile: 'smoke' })
  assert.equal(smoke.seeds, 1)
  const o = resolveSuite(fakeSuite, registries, {
    ...opts,
    profile: 'smoke',
    overrides: ['seeds=2', 'subjects.scaler.params.scale=3', 'timeoutS=5'],
  })
  assert.equal(o.seeds, 2)
  assert.equal(o.timeoutS, 5)
  // A fixed value replaces the grid axis of the same name.
  assert.deepEqual(
    [
      ...new Set(
        o.trials.filter((t) => t.subject.id === 'scaler').map((t) => t.subject.params.scale),
      ),
    ],
    [3],
  )
})

test('a suite with an unknown key is rejected with its path', () => {
  const bad = { ...fakeSuite, subjects: [{ name: 'reference', parms: {} }] } as unknown as SuiteSpec
  assert.match(
    errorOf(() => resolveSuite(bad, registries, opts)),
    /^Cannot load suite "fake": subjects\[0\]: unknown key "parms"$/,
  )
  const top = { ...fakeSuite, sedes: 3 } as unknown as SuiteSpec
  assert.match(
    errorOf(() => resolveSuite(top, registries, opts)),
    /unknown key "sedes"/,
  )
})

test('an unknown method name lists the valid ones', () => {
  const bad = { ...fakeSuite, subjects: [{ name: 'scalr' }] }
  assert.equal(
    errorOf(() => resolveSuite(bad, registries, opts)),
    'Cannot load suite "fake": Unknown subject "scalr" at subjects[0].name; valid subjects: "hang", "reference", "scaler"',
  )
})

test('a grid value of the wrong type names its path', () => {
  const bad = { ...fakeSuite, subjects: [{ name: 'scaler', grid: { scale: [1, 'big'] } }] }
  assert.match(
    errorOf(() => resolveSuite(bad, registries, opts)),
    /^Cannot load suite "fake": subjects\[0\]\.grid\.scale\[1\]: .*number/,
  )
  const fixed = { ...fakeSuite, subjects: [{ name: 'scaler', params: { scale: -1 } }] }
  assert.match(
    errorOf(() => resolveSuite(fixed, registries, opts)),
    /subjects\[0\]\.params\.scale: /,
  )
})

test('overrides that name nothing, or malformed ones, are rejected', () => {
  assert.match(
    errorOf(() =>
      resolveSuite(fakeSuite, registries, { ...opts, overrides: ['subjects.nope.params.x=1'] }),
    ),
    /"nope", which the suite does not have/,
  )
  assert.match(
    errorOf(() => resolveSuite(fakeSuite, registries, { ...opts, overrides: ['seeds'] })),
    /expected key=value/,
  )
  assert.match(
    errorOf(() => resolveSuite(fakeSuite, registries, { ...opts, overrides: ['sedes=2'] })),
    /unknown key "sedes"/,
  )
  assert.match(
    errorOf(() => resolveSuite({ ...fakeSuite, baseline: 'nope' }, registries, opts)),
    /baseline: "nope" is not one of/,
  )
})

test("a subject may name its own baseline, which must be one of the suite's subjects", () => {
  const paired = {
    ...fakeSuite,
    subjects: fakeSuite.subjects.map((s, i) => (i === 1 ? { ...s, baseline: 'reference' } : s)),
  }
  const r = resolveSuite(paired, registries, opts)
  assert.deepEqual(r.baselineOf, { scaler: 'reference' })
  const wrong = {
    ...fakeSuite,
    subjects: fakeSuite.subjects.map((s, i) => (i === 1 ? { ...s, baseline: 'nobody' } : s)),
  }
  assert.match(
    errorOf(() => resolveSuite(wrong, registries, opts)),
    /subjects\[1\]\.baseline: "nobody" is not one of the suite's subjects/,
  )
})

test('a profile that runs only some subjects keeps their trial keys and refuses unknown ids', () => {
  const full = resolveSuite(fakeSuite, registries, opts)
  const withOnly = (only: string[]): SuiteSpec => ({
    ...fakeSuite,
    profiles: { ...fakeSuite.profiles, default: { ...fakeSuite.profiles?.default, only } },
  })
  const base = (fakeSuite as { baseline?: string }).baseline
  const kept = base ? [base, 'scaler'] : ['scaler']
  const r = resolveSuite(withOnly(kept), registries, opts)
  assert.deepEqual([...new Set(r.trials.map((t) => t.subject.id))].sort(), [...kept].sort())
  assert.deepEqual(
    r.trials.map((t) => t.key),
    full.trials.filter((t) => kept.includes(t.subject.id)).map((t) => t.key),
  )
  assert.match(
    errorOf(() => resolveSuite(withOnly(['scaler', 'nope']), registries, opts)),
    /only: "nope" is not one of the suite's subjects/,
  )
  if (base)
    assert.match(
      errorOf(() => resolveSuite(withOnly(['scaler']), registries, opts)),
      /leaves out the suite's baseline/,
    )
})
