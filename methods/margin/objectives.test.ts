import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import type { MarginNet } from '../../models/margin/net.ts'
import type { Batch } from '../../models/margin/objective.ts'
import { mlp } from '../../models/mlp.ts'
import { boundaryGradientNorms, elsayed, strongestCompetitor } from './elsayed.ts'
import type { AnyMarginLoss } from './loss-def.ts'
import { MARGIN_LOSSES } from './losses.ts'
import { bisectAlong } from './mma.ts'

await initTfjs({ prefer: 'cpu' })

// f = Wᵀx + b on 2 inputs, 3 classes.
function linearNet(): MarginNet {
  const model = mlp.build(mlp.params.parse({ inputSize: 2, hidden: [], numClasses: 3 }))
  model.setWeights([
    tf.tensor2d([
      [4, 0, -2],
      [0, 4, 2],
    ]),
    tf.tensor1d([0, 0, 0]),
  ])
  return { model, head: 'affine', scale: 1 }
}

test('boundaryGradientNorms() gives ‖W_y − W_i‖_q against the strongest competitor', () => {
  const net = linearNet()
  const x = tf.tensor2d([
    [1, 0.5],
    [0.2, 0.9],
  ])
  const y = tf.tensor1d([0, 1], 'int32')
  const comp = strongestCompetitor(net.model.predict(x) as tf.Tensor2D, y)
  // Logits [4, 2, −1] -> competitor 1; [0.8, 3.6, 1.4] -> competitor 2.
  assert.deepEqual(Array.from(comp.dataSync()), [1, 2])
  // W_0 − W_1 = (4, −4); W_1 − W_2 = (2, 2).
  assert.deepEqual(
    Array.from(boundaryGradientNorms(net, x, y, comp, 'input', 1).dataSync()),
    [8, 4],
  )
  const l2 = Array.from(boundaryGradientNorms(net, x, y, comp, 'input', 2).dataSync())
  assert.ok(
    Math.abs((l2[0] as number) - Math.sqrt(32)) < 1e-5 &&
      Math.abs((l2[1] as number) - Math.sqrt(8)) < 1e-5,
  )
})

function batchOf(x: tf.Tensor, y: tf.Tensor1D): Batch {
  const n = x.shape[0] as number
  return {
    x,
    y,
    indices: Int32Array.from({ length: n }, (_, i) => i),
    step: 0,
    epoch: 0,
    rng: new Rng(1),
  }
}

test('the Elsayed ℓ∞ objective on a linear net is the clipped hinge on exact distances', () => {
  const net = linearNet()
  const batch = batchOf(
    tf.tensor2d([
      [1, 0.5],
      [0.2, 0.9],
    ]),
    tf.tensor1d([0, 1], 'int32'),
  )
  // Distances 2 / ‖(4, −4)‖₁ = 0.25 and 2.2 / ‖(2, 2)‖₁ = 0.55; γ = 0.5 clips the second.
  const objective = elsayed.objective(elsayed.params.parse({ gamma: 0.5, epsilon: 1e-9 }), {
    n: 2,
    hiddenCuts: [],
  })
  const prep = objective.prepare?.(net, batch)
  const loss = objective.loss(net, batch, prep).dataSync()[0] as number
  assert.ok(Math.abs(loss - (0.25 + 0) / 2) < 1e-5, `loss ${loss}`)
})

test('the Elsayed objective with hiddenLayers "all" uses every hidden layer', () => {
  const model = mlp.build(
    mlp.params.parse({ inputSize: 4, hidden: [5, 3], numClasses: 3 }),
    new Rng(2),
  )
  const net: MarginNet = { model, head: 'affine', scale: 1 }
  const batch = batchOf(
    tf.randomUniform([6, 4], 0, 1, 'float32', 3),
    tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'),
  )
  const setup = { n: 6, hiddenCuts: ['dense1', 'dense2'] }
  const lossWith = (hiddenLayers: number | 'all') => {
    const o = elsayed.objective(
      elsayed.params.parse({ hiddenLayers, gamma: 5, gammaHidden: 5 }),
      setup,
    )
    return o.loss(net, batch, o.prepare?.(net, batch)).dataSync()[0] as number
  }
  assert.ok(Math.abs(lossWith('all') - lossWith(2)) < 1e-6)
  assert.ok(Math.abs(lossWith(2) - lossWith(1)) > 1e-6)
  assert.throws(
    () => elsayed.objective(elsayed.params.parse({ hiddenLayers: 3 }), setup),
    /exceeds/,
  )
})

test('bisectAlong() finds where x + tδ crosses the boundary', () => {
  const net = linearNet()
  // x = (1, 0) is class 0 (f = [4, 0, −2]); along δ = (−1, 1) class 1 wins for t > 0.5.
  const x = tf.tensor2d([[1, 0]])
  const t = bisectAlong(
    net,
    x,
    tf.tensor2d([[-1, 1]]),
    Int32Array.from([0]),
    Float32Array.from([1]),
    12,
  )
  assert.ok(Math.abs((t[0] as number) - 0.5) < 1e-3)
})

test('every loss builds an objective whose loss is finite and reaches every trained variable', () => {
  const rng = new Rng(5)
  const x = tf.randomUniform([6, 4], 0, 1, 'float32', 7)
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32')
  for (const def of MARGIN_LOSSES as readonly AnyMarginLoss[]) {
    const model = mlp.build(
      mlp.params.parse({ inputSize: 4, hidden: [5], numClasses: 3 }),
      new Rng(1),
    )
    const objective = def.objective(def.params.parse({}), { n: 6, hiddenCuts: ['dense1'] })
    const net: MarginNet = { model, head: objective.head, scale: objective.scale ?? 1 }
    const batch: Batch = {
      x,
      y,
      indices: Int32Array.from([0, 1, 2, 3, 4, 5]),
      step: 0,
      epoch: 0,
      rng,
    }
    const prep = objective.prepare?.(net, batch)
    const skip = objective.head === 'affine' ? undefined : model.layers.at(-1)?.trainableWeights[1]
    const vars = model.trainableWeights
      .filter((w) => w !== skip)
      .map((w) => w.read() as tf.Variable)
    const { value, grads } = tf.variableGrads(() => objective.loss(net, batch, prep), vars)
    assert.ok(Number.isFinite(value.dataSync()[0] as number), `${def.name}: loss is not finite`)
    assert.equal(Object.keys(grads).length, vars.length, `${def.name}: a variable gets no gradient`)
    for (const g of Object.values(grads))
      assert.ok(g.dataSync().every(Number.isFinite), `${def.name}: a gradient is not finite`)
  }
})
