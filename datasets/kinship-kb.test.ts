import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildKinshipKb, DERIVED, KINSHIP_RELATIONS, type KinshipKbParams } from './kinship-kb.ts'

const params = (facts: number): KinshipKbParams => ({
  facts,
  generations: 3,
  testShare: 0.1,
  devShare: 0.1,
  instances: 4,
})
const R = (name: (typeof KINSHIP_RELATIONS)[number]) => KINSHIP_RELATIONS.indexOf(name)

test('kinship-kb size knob: |F| follows the target from 1k to 32k', () => {
  for (const n of [1000, 8000, 32000]) {
    const kb = buildKinshipKb(1, params(n))
    const total = kb.train.length + kb.dev.length + kb.test.length
    assert.ok(total >= n * 0.95 && total < n * 1.15, `${n}: ${total}`)
  }
})

test('kinship-kb facts obey the generating rules', () => {
  const kb = buildKinshipKb(2, params(1000))
  const all = [...kb.train, ...kb.dev, ...kb.test]
  const set = new Set(all.map(([p, s, o]) => `${p},${s},${o}`))
  const parent = all.filter((f) => f[0] === R('parentOf'))
  for (const [, x, y] of parent)
    assert.ok(set.has(`${R('childOf')},${y},${x}`), 'childOf(Y,X) <- parentOf(X,Y)')
  for (const [, x, z] of parent)
    for (const [, z2, y] of parent)
      if (z2 === z) assert.ok(set.has(`${R('grandparentOf')},${x},${y}`))
  for (const [p, x, y] of all)
    if (p === R('spouseOf')) assert.ok(set.has(`${p},${y},${x}`), 'spouseOf symmetric')
})

test('kinship-kb holds out only derived facts, deterministically per seed', () => {
  const kb = buildKinshipKb(3, params(1000))
  assert.ok(kb.test.length > 50)
  for (const [p] of [...kb.test, ...kb.dev]) assert.ok(DERIVED.has(p))
  const train = new Set(kb.train.map((f) => f.join()))
  for (const f of kb.test) assert.ok(!train.has(f.join()))
  assert.deepEqual(buildKinshipKb(3, params(1000)).test, kb.test)
})
