import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import {
  type BlockRoutes,
  crossEntropy,
  disposeWeights,
  forward,
  initWeights,
  type LmConfig,
  planDispatch,
} from './moe-lm.ts'

await initTfjs({ prefer: 'wasm' })

test('planDispatch() groups tokens by expert, keeps capacity in token order and drops the rest', () => {
  const plan = planDispatch(Int32Array.from([1, 0, 1, 1, 2]), 3, 2)
  assert.deepEqual(
    plan.groups.map((g) => [...g]),
    [[1], [0, 2], [4]],
  )
  assert.equal(plan.kept, 4)
  assert.equal(plan.slab, 2)
  // slabs of 2: expert 0 = [token 1, pad], expert 1 = [tokens 0, 2], expert 2 = [token 4, pad]
  assert.deepEqual([...plan.slots], [1, 5, 0, 2, 4, 5])
  // token 3 was dropped: it reads the zero row after the 6 slots
  assert.deepEqual([...plan.inverse], [2, 0, 3, 6, 4])
})

test('planDispatch() splits an overloaded expert into several slabs rather than padding every expert', () => {
  // 12 tokens, expert 0 takes 9: one slab per expert would be 4 × 9 = 36 rows
  const assign = Int32Array.from([0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 0])
  const plan = planDispatch(assign, 4)
  assert.equal(plan.slab, 3)
  assert.deepEqual([...plan.slabExpert], [0, 0, 0, 1, 2, 3])
  assert.equal(plan.slots.length, 18)
  // every token reads back from a slot that holds it, in a slab of its own expert
  assign.forEach((e, i) => {
    const slot = plan.inverse[i] as number
    assert.equal(plan.slots[slot], i)
    assert.equal(plan.slabExpert[Math.floor(slot / plan.slab)], e)
  })
})

function lossAndGrads(cfg: LmConfig, dispatch: 'gather' | 'mask', routes: BlockRoutes) {
  const w = initWeights(cfg, new Rng(7))
  const rng = new Rng(3)
  const n = 2 * cfg.seqLength
  const ids = Int32Array.from({ length: n }, () => rng.int(cfg.vocabSize))
  const targets = Int32Array.from({ length: n }, () => rng.int(cfg.vocabSize))
  const names = [...w.keys()]
  const { value, grads } = tf.variableGrads(() => {
    const r = forward(w, cfg, ids, routes, { training: true, dispatch })
    return tf.add(crossEntropy(r.logits, targets), r.aux) as tf.Scalar
  }, [...w.values()])
  const out = {
    loss: value.dataSync()[0] as number,
    // a variable no token reaches has no gradient under gather dispatch: it is zero
    grads: Object.fromEntries(
      names.map((k) => {
        const v = w.get(k) as tf.Variable
        return [k, grads[v.name]?.dataSync() ?? new Float32Array(v.size)]
      }),
    ),
  }
  disposeWeights(w)
  return out
}

function assertClose(a: ReturnType<typeof lossAndGrads>, b: ReturnType<typeof lossAndGrads>) {
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `${a.loss} vs ${b.loss}`)
  let checked = 0
  for (const [k, ga] of Object.entries(a.grads)) {
    const gb = b.grads[k] as Float32Array
    assert.equal(ga.length, gb.length, k)
    let maxAbs = 0
    for (let i = 0; i < ga.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ga[i] as number))
    for (let i = 0; i < ga.length; i++)
      assert.ok(
        Math.abs((ga[i] as number) - (gb[i] as number)) <= 1e-5 + 1e-4 * maxAbs,
        `${k}[${i}]`,
      )
    checked++
  }
  return checked
}

test('gather/scatter dispatch gives the gradients of compute-all-and-mask (hash, MultiHash)', () => {
  const cfg: LmConfig = {
    vocabSize: 11,
    seqLength: 5,
    dModel: 8,
    heads: 2,
    blocks: [
      { kind: 'routed', experts: 3, width: 8, segments: 1 },
      { kind: 'routed', experts: 4, width: 8, segments: 2 },
    ],
  }
  const rng = new Rng(5)
  const n = 10
  const r = (k: number) => Int32Array.from({ length: n }, () => rng.int(k))
  // expert 2 of block 0 gets no token at all: its gradient must be exactly zero
  const a0 = r(2)
  const routes: BlockRoutes = [[a0], [r(4), r(4)]]
  const g = lossAndGrads(cfg, 'gather', routes)
  const m = lossAndGrads(cfg, 'mask', routes)
  assert.ok(assertClose(g, m) > 20)
  const w1 = g.grads['b0.s0.w1'] as Float32Array
  const per = w1.length / 3
  assert.ok(w1.subarray(2 * per).every((v) => v === 0))
  assert.ok(w1.subarray(0, per).some((v) => v !== 0))
})

test('gather/scatter dispatch over split slabs gives the gradients of compute-all-and-mask', () => {
  const cfg: LmConfig = {
    vocabSize: 11,
    seqLength: 6,
    dModel: 8,
    heads: 2,
    blocks: [{ kind: 'routed', experts: 4, width: 8, segments: 1 }],
  }
  // 9 of 12 tokens on expert 1: the plan splits it into several slabs (weights gathered per slab)
  const a = Int32Array.from([1, 1, 0, 1, 1, 2, 1, 1, 1, 3, 1, 1])
  assert.ok(planDispatch(a, 4).slabExpert.length > 4)
  const g = lossAndGrads(cfg, 'gather', [[a]])
  const m = lossAndGrads(cfg, 'mask', [[a]])
  assert.ok(assertClose(g, m) > 10)
})

test('gather/scatter dispatch gives the gradients of compute-all-and-mask (Switch, capacity drops)', () => {
  const cfg: LmConfig = {
    vocabSize: 11,
    seqLength: 6,
    dModel: 8,
    heads: 2,
    blocks: [{ kind: 'switch', experts: 3, width: 8, alpha: 0.1, capacityFactor: 0.5 }],
  }
  const g = lossAndGrads(cfg, 'gather', [undefined])
  const m = lossAndGrads(cfg, 'mask', [undefined])
  assert.ok(assertClose(g, m) > 10)
  assert.ok(g.grads['b0.router.w'] === undefined && g.grads['b0.router']?.some((v) => v !== 0))
})
