import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from './fake-context.ts'
import { mnistTasks, signTargets, TASK_SETS, taskLabels, taskSubset } from './mnist-tasks.ts'

const digits = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
const labelsOf = (set: keyof typeof TASK_SETS) =>
  Object.fromEntries(TASK_SETS[set].map((t) => [t.name, Array.from(taskLabels(t, digits))]))

test('halves: digits 0-4 and 5-9 are two 5-way tasks, -1 outside', () => {
  assert.deepEqual(labelsOf('halves'), {
    'digits-0-4': [0, 1, 2, 3, 4, -1, -1, -1, -1, -1],
    'digits-5-9': [-1, -1, -1, -1, -1, 0, 1, 2, 3, 4],
  })
})

test('attributes: parity, >= 5 and has-a-loop (0, 6, 8, 9; not 4) for every digit', () => {
  assert.deepEqual(labelsOf('attributes'), {
    parity: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
    ge5: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
    loop: [1, 0, 0, 0, 0, 0, 1, 0, 1, 1],
  })
})

test('pairs: five binary tasks, one digit pair each; control: the same task twice', () => {
  const pairs = labelsOf('pairs')
  assert.deepEqual(Object.keys(pairs), ['pair-0-1', 'pair-2-3', 'pair-4-5', 'pair-6-7', 'pair-8-9'])
  assert.deepEqual(pairs['pair-4-5'], [-1, -1, -1, -1, 0, 1, -1, -1, -1, -1])
  const [a, b] = TASK_SETS.control
  assert.deepEqual(a.labelOfDigit, b.labelOfDigit)
  assert.notEqual(a.name, b.name)
})

test('signTargets() gives ±1 one-vs-rest rows, all -1 outside the task', () => {
  assert.deepEqual(Array.from(signTargets(Int32Array.from([1, -1]), 3)), [-1, 1, -1, -1, -1, -1])
})

test('mnist-tasks labels every split per task, aligned with the digit labels', async () => {
  const params = mnistTasks.params.parse({
    train: 200,
    calibration: 0,
    test: 100,
    taskSet: 'halves',
  })
  const data = await mnistTasks.load(fakeContext(), params)
  assert.equal(data.tasks.length, 2)
  const [low, high] = data.tasks as [(typeof data.tasks)[0], (typeof data.tasks)[0]]
  data.test.labels.forEach((d, i) => {
    assert.equal(low.labels.test[i], d < 5 ? d : -1)
    assert.equal(high.labels.test[i], d >= 5 ? d - 5 : -1)
  })
  const sub = taskSubset(data.train, high)
  assert.ok(sub.n > 80 && sub.n < 120)
  assert.ok(Array.from(sub.labels).every((l) => l >= 0 && l < 5))
  assert.equal(sub.images.length, sub.n * 784)
})
