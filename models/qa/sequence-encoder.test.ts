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

/** Plain per-sequence BiLSTM with the encoder's weight layout (gate-major, direction-minor). */
function referenceLstm(
  x: number[][][],
  lengths: number[],
  w: number[][],
  bias: number[],
  u: number[][][],
  h: number,
): number[][][] {
  const sig = (v: number) => 1 / (1 + Math.exp(-v))
  return x.map((seq, b) => {
    const out = seq.map(() => new Array(2 * h).fill(0))
    for (let d = 0; d < 2; d++) {
      let hs = new Array(h).fill(0)
      let cs = new Array(h).fill(0)
      const len = lengths[b] as number
      for (let s = 0; s < len; s++) {
        const t = d === 0 ? s : len - 1 - s
        const gate = (k: number, j: number) => {
          const col = (2 * k + d) * h + j
          let z = bias[col] as number
          seq[t]?.forEach((xv, i) => {
            z += xv * (w[i]?.[col] as number)
          })
          hs.forEach((hv, a) => {
            z += hv * (u[d]?.[a]?.[k * h + j] as number)
          })
          return z
        }
        const nc = cs.map((c, j) => sig(gate(1, j)) * c + sig(gate(0, j)) * Math.tanh(gate(2, j)))
        hs = nc.map((c, j) => sig(gate(3, j)) * Math.tanh(c))
        cs = nc
        hs.forEach((v, j) => {
          ;(out[t] as number[])[d * h + j] = v
        })
      }
    }
    return out
  })
}

describe('SequenceEncoder lstm', () => {
  it('matches a plain per-sequence BiLSTM (backward direction within each length)', async () => {
    await tf.setBackend('cpu')
    const store = new ParamStore(new Rng(2))
    const enc = new SequenceEncoder(store, 'e', 3, 2, 'lstm')
    const [w, bias, u] = store.variables.map((v) => v.arraySync()) as [
      number[][],
      number[],
      number[][][],
    ]
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 9)
    const mask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 1, 0],
    ])
    const got = enc.apply(x as tf.Tensor3D, mask, [4, 3]).arraySync() as number[][][]
    const want = referenceLstm(x.arraySync() as number[][][], [4, 3], w, bias, u, 2)
    got.flat(2).forEach((v, i) => {
      assert.ok(Math.abs(v - (want.flat(2)[i] as number)) < 1e-5, `entry ${i}: ${v}`)
    })
  })
})
