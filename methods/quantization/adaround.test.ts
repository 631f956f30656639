import assert from 'node:assert/strict'
import { test } from 'node:test'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { adaround } from './adaround.ts'
import { fakeQuantize, qparamsFromRange } from './quantizer.ts'

/** ‖f(X W̃ + b) − f(X W + b)‖² over all rows. */
function outputError(
  x: Float32Array,
  w: Float32Array,
  wq: Float32Array,
  b: Float32Array,
  fanIn: number,
  out: number,
  relu: boolean,
): number {
  const f = (v: number) => (relu ? Math.max(0, v) : v)
  let e = 0
  for (let r = 0; r < x.length / fanIn; r++)
    for (let o = 0; o < out; o++) {
      let a = b[o] as number
      let c = b[o] as number
      for (let i = 0; i < fanIn; i++) {
        a += (x[r * fanIn + i] as number) * (w[i * out + o] as number)
        c += (x[r * fanIn + i] as number) * (wq[i * out + o] as number)
      }
      e += (f(a) - f(c)) ** 2
    }
  return e
}

/** A layer at MNIST-like scale: sparse inputs in [0, 1], weights ~ N(0, 0.1²). */
function layer(seed: number, inputScale: number) {
  const rng = new Rng(seed)
  const [fanIn, out, rows] = [64, 8, 256]
  const w = Float32Array.from({ length: fanIn * out }, () => rng.normal() * 0.1)
  const b = Float32Array.from({ length: out }, () => rng.normal() * 0.05)
  const x = Float32Array.from({ length: rows * fanIn }, () =>
    rng.next() < 0.7 ? 0 : inputScale * rng.next(),
  )
  let m = 0
  for (const v of w) m = Math.max(m, Math.abs(v))
  const p = qparamsFromRange(-m, m, { bits: 2, symmetric: true, restricted: true })
  return { w, b, x, p, fanIn, out }
}

for (const relu of [false, true]) {
  test(`AdaRound rounds every weight down or up and beats nearest on the layer output at 2 bits (relu: ${relu})`, async () => {
    await initTfjs()
    const { w, b, x, p, fanIn, out } = layer(11, 1)
    const nearest = fakeQuantize(w, [p], 'nearest')
    const ar = adaround(w, fanIn, out, [p], x, x, {
      rng: new Rng(1),
      iterations: 300,
      learningRate: 0.1,
      bias: b,
      relu,
    })
    for (let i = 0; i < w.length; i++) {
      const lo = Math.max(p.qMin, Math.floor((w[i] as number) / p.scale))
      const hi = Math.min(p.qMax, lo + 1)
      const code = Math.round((ar.values[i] as number) / p.scale)
      assert.ok(code === lo || code === hi, `weight ${i}: code ${code} not in {${lo}, ${hi}}`)
    }
    assert.ok(ar.undecided < 0.05, `undecided ${ar.undecided}`)
    const eNear = outputError(x, w, nearest, b, fanIn, out, relu)
    const eAr = outputError(x, w, ar.values, b, fanIn, out, relu)
    assert.ok(eAr < 0.8 * eNear, `AdaRound ${eAr} vs nearest ${eNear}`)
  })
}

test('AdaRound reports weights left undecided when the reconstruction outweighs λ', async () => {
  await initTfjs()
  // Inputs 30× larger: reconstruction curvature ~900× larger, λ = 0.01 cannot binarise h.
  const { w, b, x, p, fanIn, out } = layer(11, 30)
  const ar = adaround(w, fanIn, out, [p], x, x, {
    rng: new Rng(1),
    iterations: 300,
    learningRate: 0.1,
    bias: b,
  })
  assert.ok(ar.undecided > 0.2, `undecided ${ar.undecided}`)
})
