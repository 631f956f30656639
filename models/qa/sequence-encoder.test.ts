import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from './param-store.ts'
import { reverseIndices, SequenceEncoder } from './sequence-encoder.ts'

describe('SequenceEncoder', () => {
  it('reverseIndices() reverses each row within its length and leaves padding in place', () => {
    assert.deepEqual([...reverseIndices([3, 1], 3)], [2, 1, 0, 3, 4, 5])
  })

  for (const kind of ['gru', 'lstm', 'conv'] as const) {
    it(`'${kind}' outputs [B, T, 2h], zero on padding, and ignores what the padding holds`, async () => {
      await tf.setBackend('cpu')
      const enc = new SequenceEncoder(new ParamStore(new Rng(1)), 'e', 3, 2, kind)
      const base = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5)
      const mask = tf.tensor2d([
        [1, 1, 1, 1],
        [1, 1, 0, 0],
      ])
      const noise = tf.mul(
        tf.randomNormal([2, 4, 3], 0, 1, 'float32', 6),
        tf.expandDims(tf.sub(1, mask), 2),
      )
      const a = enc.apply(base as tf.Tensor3D, mask, [4, 2])
      const b = enc.apply(tf.add(base, noise) as tf.Tensor3D, mask, [4, 2])
      assert.deepEqual(a.shape, [2, 4, 4])
      const av = a.arraySync() as number[][][]
      assert.ok(av[1]?.[3]?.every((x) => x === 0))
      if (kind !== 'conv') {
        // A recurrence never reads padding; the conv window reads it as zeros only after masking.
        const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number
        assert.ok(diff < 1e-6, `padding changed valid outputs by ${diff}`)
      }
    })
  }
})
