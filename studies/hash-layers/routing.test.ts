import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import {
  balancedTable,
  bigramRouter,
  kMeans,
  loadStats,
  multiHashRouter,
  oracleRouter,
  positionRouter,
  type RouteFeatures,
  randomTable,
  tokenRouter,
} from './routing.ts'

test('balancedTable() puts the heaviest tokens first into the lightest bucket', () => {
  // counts 10, 7, 5, 3, 2, 1 into 2 buckets: 10->0, 7->1, 5->1 (12), 3->0 (13), 2->1 (14), 1->0
  assert.deepEqual([...balancedTable([3, 10, 1, 7, 2, 5], 2)], [0, 0, 0, 1, 1, 1])
})

test('balancedTable() reaches the bound a Zipf law allows (its top token alone), random does not', () => {
  const V = 2000
  const counts = Array.from({ length: V }, (_, i) => Math.round(1e5 / (i + 1) ** 0.8))
  const mass = (t: Int32Array, k: number) => {
    const m = new Float64Array(k)
    counts.forEach((c, x) => {
      m[t[x] as number] = (m[t[x] as number] as number) + c
    })
    return Math.max(...m) / (m.reduce((a, b) => a + b, 0) / k)
  }
  const total = counts.reduce((a, b) => a + b, 0)
  for (const k of [4, 16, 64]) {
    // no table can put the most frequent token's mass in less than one bucket
    const bound = Math.max(1, ((counts[0] as number) * k) / total)
    const balanced = mass(balancedTable(counts, k), k)
    assert.ok(balanced <= bound * 1.02, `K=${k}: ${balanced} vs bound ${bound}`)
    assert.ok(mass(randomTable(V, k, new Rng(1)), k) > balanced)
  }
})

test('loadStats() known answers: max/mean and normalised entropy', () => {
  const s = loadStats([0, 0, 1, 1], 2)
  assert.equal(s.maxOverMean, 1)
  assert.equal(s.normEntropy, 1)
  const t = loadStats([0, 0, 0, 0], 4)
  assert.equal(t.maxOverMean, 4)
  assert.equal(t.entropyBits, 0)
  assert.deepEqual([...loadStats([0, 1, 1, 3], 4).counts], [1, 2, 0, 1])
})

test('kMeans() separates two well-apart clouds', () => {
  const rng = new Rng(2)
  const rows = 40
  const data = new Float32Array(rows * 2)
  for (let i = 0; i < rows; i++) {
    data[2 * i] = (i < 20 ? -5 : 5) + rng.normal() * 0.1
    data[2 * i + 1] = rng.normal() * 0.1
  }
  const a = kMeans(data, rows, 2, 2, new Rng(3))
  for (let i = 1; i < rows; i++) assert.equal(a[i] === a[0], i < 20)
})

test('routers read the feature their hash names', () => {
  const f: RouteFeatures = {
    cur: Int32Array.from([3, 1, 2, 0]),
    prev: Int32Array.from([-1, 3, 1, 2]),
    target: Int32Array.from([1, 2, 0, 3]),
    pos: Int32Array.from([0, 1, 2, 3]),
  }
  const table = Int32Array.from([0, 1, 2, 3])
  assert.deepEqual([...(tokenRouter(table)(f)[0] as Int32Array)], [3, 1, 2, 0])
  assert.deepEqual([...(oracleRouter(table)(f)[0] as Int32Array)], [1, 2, 0, 3])
  assert.deepEqual([...(positionRouter(3)(f)[0] as Int32Array)], [0, 1, 2, 0])
  assert.equal(multiHashRouter([table, table]).length, 1)
  assert.equal(multiHashRouter([table, table])(f).length, 2)
  // bigram: same (prev, cur) pair, same expert; a different previous token may move it
  const g: RouteFeatures = {
    ...f,
    cur: Int32Array.from([5, 5, 5]),
    prev: Int32Array.from([1, 1, 2]),
    pos: Int32Array.from([0, 1, 2]),
  }
  const big = bigramRouter(10, 1024, 7)(g)[0] as Int32Array
  assert.equal(big[0], big[1])
  assert.notEqual(big[0], big[2])
})
