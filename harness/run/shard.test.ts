import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignShards, inShard } from './shard.ts'

const trial = (k: string) => ({ key: `key-${k}`, configKey: k })

test('assignShards() balances by duration, longest first (LPT known answer)', () => {
  // Durations 7, 6, 5, 4, 3, 2 on 2 shards: LPT gives {7, 4, 3} = 14 and {6, 5, 2} = 13.
  const durations = new Map([
    ['a', 7],
    ['b', 6],
    ['c', 5],
    ['d', 4],
    ['e', 3],
    ['f', 2],
  ])
  const trials = ['f', 'c', 'a', 'e', 'b', 'd'].map(trial)
  const shards = assignShards(trials, 2, durations)
  const of = (i: number) =>
    trials
      .filter((t) => shards.get(t.key) === i)
      .map((t) => t.configKey)
      .sort()
  assert.deepEqual(of(1), ['a', 'd', 'e'])
  assert.deepEqual(of(2), ['b', 'c', 'f'])
  // The same inputs in another order give the same assignment: every shard agrees.
  assert.deepEqual(assignShards([...trials].reverse(), 2, durations), shards)
})

test('assignShards() expects the median known duration of a trial it has no record of', () => {
  const durations = new Map([
    ['a', 100],
    ['b', 1],
    ['c', 1],
  ])
  // Unknown x and y cost 1 each (median of 100, 1, 1): a alone on one shard, the rest together.
  const trials = ['a', 'b', 'c', 'x', 'y'].map(trial)
  const shards = assignShards(trials, 2, durations)
  assert.equal(shards.get('key-a'), 1)
  for (const k of ['b', 'c', 'x', 'y']) assert.equal(shards.get(`key-${k}`), 2)
})

test('inShard() splits by key hash into disjoint shards that cover every key', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`)
  const counts = [1, 2, 3].map((i) => keys.filter((k) => inShard(k, { index: i, count: 3 })).length)
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    keys.length,
  )
  assert.ok(counts.every((c) => c > 40))
})
