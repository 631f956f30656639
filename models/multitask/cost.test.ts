import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  allCombinations,
  combinationFlops,
  comboLabel,
  type MultitaskArch,
  parseCombo,
} from './cost.ts'

const lenet5 = (heads: number[]): MultitaskArch => ({
  input: { height: 28, width: 28, channels: 1 },
  layers: [
    { kind: 'conv', kernel: 5, pool: true },
    { kind: 'conv', kernel: 5, pool: true },
    { kind: 'dense' },
    { kind: 'dense' },
  ],
  headClasses: heads,
})
const widths = [6, 16, 120, 84]

test('combinationFlops() gives 1,377,111 for one LeNet-5 with a 5-way head', () => {
  const parts = widths.map((d) => ({ shared: 0, tasks: [d] }))
  assert.equal(combinationFlops(lenet5([5]), parts, [0]), 1_377_111)
})

test('combinationFlops() sums two unmerged LeNet-5s to 2,754,222', () => {
  const parts = widths.map((d) => ({ shared: 0, tasks: [d, d] }))
  const arch = lenet5([5, 5])
  assert.equal(combinationFlops(arch, parts, [0, 1]), 2_754_222)
  assert.equal(combinationFlops(arch, parts, [1]), 1_377_111)
})

test('combinationFlops() counts a fully shared trunk once: 1,377,946 for both heads', () => {
  const parts = widths.map((d) => ({ shared: d, tasks: [0, 0] }))
  const arch = lenet5([5, 5])
  assert.equal(combinationFlops(arch, parts, [0, 1]), 1_377_946)
  assert.equal(combinationFlops(arch, parts, [0]), 1_377_111)
})

test('combinationFlops() applies the connectivity rule to a dense net', () => {
  // 4 inputs -> layer (shared 2, A 1, B 1) -> layer (shared 1, A 1, B 0) -> heads 3 and 2.
  const arch: MultitaskArch = {
    input: { height: 1, width: 4, channels: 1 },
    layers: [{ kind: 'dense' }, { kind: 'dense' }],
    headClasses: [3, 2],
  }
  const parts = [
    { shared: 2, tasks: [1, 1] },
    { shared: 1, tasks: [1, 0] },
  ]
  // layer 1: shared 7·2, A 7·1, B 7·1; layer 2: shared reads 2 -> 3·1, A reads 3 -> 5·1, B none.
  // heads: A reads 2 -> 3·3, B reads 1 -> 1·2.
  assert.equal(combinationFlops(arch, parts, [0]), 14 + 7 + 3 + 5 + 9)
  assert.equal(combinationFlops(arch, parts, [1]), 14 + 7 + 3 + 2)
  assert.equal(combinationFlops(arch, parts, [0, 1]), 14 + 7 + 7 + 3 + 5 + 9 + 2)
})

test('allCombinations() lists 2^n - 1 subsets and labels round-trip', () => {
  assert.equal(allCombinations(5).length, 31)
  assert.deepEqual(allCombinations(2), [[0], [1], [0, 1]])
  assert.equal(comboLabel([0, 2]), 'A+C')
  assert.deepEqual(parseCombo('C+A'), [0, 2])
  assert.throws(() => parseCombo('A+A'), /Cannot parse/)
})
