import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import {
  codeRange,
  fakeQuantize,
  qparamsFromRange,
  quantizeTensor,
  quantizeValue,
  roundHalfEven,
} from './quantizer.ts'

test('codeRange() gives restricted, full and unsigned int8 ranges', () => {
  assert.deepEqual(codeRange({ bits: 8, symmetric: true }), { qMin: -127, qMax: 127 })
  assert.deepEqual(codeRange({ bits: 8, symmetric: true, restricted: false }), {
    qMin: -128,
    qMax: 127,
  })
  assert.deepEqual(codeRange({ bits: 4, symmetric: false, unsigned: true }), { qMin: 0, qMax: 15 })
  assert.deepEqual(codeRange({ bits: 2, symmetric: true }), { qMin: -1, qMax: 1 })
})

test('symmetric scales match the closed forms S = max|r|/(2^(b-1)-1) and 2·max|r|/(2^b-1)', () => {
  const restricted = qparamsFromRange(-0.5, 2.54, { bits: 8, symmetric: true })
  assert.equal(restricted.scale, 2.54 / 127)
  assert.equal(restricted.zeroPoint, 0)
  const full = qparamsFromRange(-0.5, 2.55, { bits: 8, symmetric: true, restricted: false })
  assert.equal(full.scale, (2 * 2.55) / 255)
})

test('asymmetric quantizer maps [-1, 2] to S = 3/255 and Z = round(1/S) - 128', () => {
  const p = qparamsFromRange(-1, 2, { bits: 8, symmetric: false })
  assert.equal(p.scale, 3 / 255)
  assert.equal(p.zeroPoint, -128 + 85)
  assert.equal(quantizeValue(-1, p), -128)
  assert.equal(quantizeValue(2, p), 127)
  assert.equal(quantizeValue(0, p), p.zeroPoint) // zero is exact
  assert.equal(quantizeValue(100, p), 127) // clipped
})

test('nearest rounding is half to even, as ONNX QuantizeLinear', () => {
  assert.equal(roundHalfEven(2.5), 2)
  assert.equal(roundHalfEven(3.5), 4)
  assert.equal(roundHalfEven(-2.5), -2)
  assert.equal(roundHalfEven(-0.4), -0)
})

test('per-channel quantization uses each channel its own scale', () => {
  // Channel 0 holds [1, -1], channel 1 holds [100, -40]: last axis of [2, 2].
  const w = Float32Array.from([1, 100, -1, -40])
  const params = [0, 1].map((c) =>
    qparamsFromRange(c === 0 ? -1 : -50, c === 0 ? 1 : 100, { bits: 8, symmetric: true }),
  )
  assert.deepEqual([...quantizeTensor(w, params)], [127, 127, -127, -51])
  const perTensor = [qparamsFromRange(-50, 100, { bits: 8, symmetric: true })]
  assert.deepEqual([...quantizeTensor(w, perTensor)], [1, 127, -1, -51])
})

test('stochastic rounding is unbiased: the mean code of 0.3 is about 0.3', () => {
  const p = qparamsFromRange(-1, 1, { bits: 8, symmetric: true })
  const x = new Float32Array(20000).fill(0.3 * p.scale)
  const q = quantizeTensor(x, [p], 'stochastic', new Rng(1))
  const mean = q.reduce((a, b) => a + b, 0) / q.length
  assert.ok(Math.abs(mean - 0.3) < 0.02, `mean ${mean}`)
  assert.ok(q.every((v) => v === 0 || v === 1))
})

test('fake quantization error is at most S/2 inside the range', () => {
  const p = qparamsFromRange(-1, 1, { bits: 4, symmetric: true })
  const x = Float32Array.from({ length: 101 }, (_, i) => -1 + i / 50)
  const y = fakeQuantize(x, [p])
  for (let i = 0; i < x.length; i++)
    assert.ok(Math.abs((x[i] as number) - (y[i] as number)) <= p.scale / 2 + 1e-7)
})
