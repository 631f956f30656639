import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildCountriesKb, type CountriesKbParams, NEIGHBOR_PATTERNS } from './countries-kb.ts'

const params = (over: Partial<CountriesKbParams> = {}): CountriesKbParams => ({
  split: 'S1',
  heldOut: 24,
  mentions: 0,
  mentionMode: 'mentions',
  ...over,
})
const has = (facts: readonly (readonly number[])[], p: number, s: number, o: number) =>
  facts.some((f) => f[0] === p && f[1] === s && f[2] === o)

test('countries-kb S1 holds ~1.1k facts, 5 regions, 24 test countries each with a training neighbour', () => {
  const kb = buildCountriesKb(1, params())
  assert.ok(kb.train.length > 1000 && kb.train.length < 1200, `${kb.train.length}`)
  if (kb.task.kind !== 'countries') throw new Error('countries task expected')
  assert.deepEqual(
    kb.task.regions.map((r) => kb.entities[r]),
    ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'],
  )
  assert.equal(kb.test.length, 24)
  assert.equal(kb.dev.length, 24)
  const held = new Set([...kb.test, ...kb.dev].map((t) => t[1]))
  for (const [, c, r] of kb.test) {
    assert.ok(!has(kb.train, 0, c, r), 'the test fact is not in training')
    assert.ok(
      kb.train.some(([p, s, o]) => p === 1 && s === c && !held.has(o)),
      'a training neighbour',
    )
  }
})

test('countries-kb S2 drops the subregion of test countries, S3 the regions of their neighbours', () => {
  const s1 = buildCountriesKb(1, params())
  const s2 = buildCountriesKb(1, params({ split: 'S2' }))
  const s3 = buildCountriesKb(1, params({ split: 'S3' }))
  assert.deepEqual(s1.test, s2.test, 'the same test countries per seed')
  const c = s1.test[0]?.[1] as number
  assert.ok(s1.train.some(([p, s]) => p === 0 && s === c))
  assert.ok(!s2.train.some(([p, s]) => p === 0 && s === c))
  assert.ok(s3.train.length < s2.train.length && s2.train.length < s1.train.length)
  if (s3.task.kind !== 'countries') throw new Error('countries task expected')
  const regions = new Set(s3.task.regions)
  for (const [p, s, n] of s1.train)
    if (p === 1 && s === c)
      assert.ok(!s3.train.some(([q, x, r]) => q === 0 && x === n && regions.has(r)))
})

test('countries-kb is deterministic per seed and differs across seeds', () => {
  assert.deepEqual(buildCountriesKb(5, params()).test, buildCountriesKb(5, params()).test)
  assert.notDeepEqual(buildCountriesKb(5, params()).test, buildCountriesKb(6, params()).test)
})

test('countries-kb mentions replace a share of neighborOf facts; deleted removes them', () => {
  const base = buildCountriesKb(1, params({ split: 'S2' }))
  const withM = buildCountriesKb(1, params({ split: 'S2', mentions: 0.3 }))
  const del = buildCountriesKb(1, params({ split: 'S2', mentions: 0.3, mentionMode: 'deleted' }))
  const nb = base.train.filter((f) => f[0] === 1).length
  const mentions = withM.train.filter((f) => f[0] >= 2).length
  assert.equal(mentions, Math.round(0.3 * nb))
  assert.equal(withM.train.length, base.train.length)
  assert.equal(del.train.length, base.train.length - mentions)
  assert.equal(withM.patterns.length, NEIGHBOR_PATTERNS.length)
  assert.equal(del.patterns.length, 0)
})
