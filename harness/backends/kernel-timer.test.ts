import assert from 'node:assert/strict'
import { test } from 'node:test'
import { timeKernels } from './kernel-timer.ts'
import { initTfjs } from './tfjs.ts'

test('kernel time is charged to the outermost kernel by the given clock, and restore unwraps', async () => {
  const { tf } = await initTfjs({ prefer: 'cpu' })
  let now = 0
  const timer = timeKernels(tf, tf.getBackend(), () => (now += 1))
  const a = tf.tensor1d([1, 2, 3])
  const b = tf.add(a, a)
  tf.add(b, a).dispose()
  // Each outermost call reads the clock twice, one tick apart.
  assert.equal(timer.spent.get('Add'), 2)
  timer.restore()
  tf.add(a, b).dispose()
  assert.equal(timer.spent.get('Add'), 2)
  a.dispose()
  b.dispose()
})
