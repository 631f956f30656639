import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Registry } from './registry.ts'

test('Registry throws on a duplicate name', () => {
  const a = { name: 'a', description: '' }
  assert.throws(
    () => new Registry('method', [a, { ...a }]),
    /Cannot register method "a": the name is already taken/,
  )
})

test('Registry.get() of an unknown name lists the valid ones', () => {
  const r = new Registry('dataset', [
    { name: 'mnist', description: '' },
    { name: 'cifar', description: '' },
  ])
  assert.equal(r.get('mnist').name, 'mnist')
  assert.throws(() => r.get('mnsit'), {
    message: 'Unknown dataset "mnsit"; valid datasets: "cifar", "mnist"',
  })
})
