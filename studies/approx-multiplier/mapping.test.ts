import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import type { IntLayer } from './int-net.ts'
import { accumulate } from './int-net.ts'
import {
  assignModes,
  buildBank,
  EXACT,
  errorModel,
  layerHistogram,
  mapLayer,
  NEG,
  POS,
  positionStats,
  rowOf,
  rowStats,
  tunedWeights,
} from './mapping.ts'
import { exactLut, r1Lut } from './multipliers.ts'

/** The brief's synthetic check: 64 filters of 576 Gaussian int8 weights, half-normal uint8 activations. */
function synthetic(seed: number) {
  const rng = new Rng(seed)
  const out = 64
  const K = 576
  const wT = Int8Array.from({ length: out * K }, () =>
    Math.max(-127, Math.min(127, Math.round(rng.normal() * 30))),
  )
  const layer: IntLayer = {
    kind: 'dense',
    name: 'syn',
    K,
    out,
    positions: 1,
    wT,
    bias: new Int32Array(out),
    sIn: 1,
    sW: new Float64Array(out).fill(1),
    sOut: 1,
    relu: true,
  }
  const R = 200
  const patchesT = Uint8Array.from({ length: K * R }, () =>
    Math.min(255, Math.round(Math.abs(rng.normal()) * 40)),
  )
  const hist = new Float64Array(256)
  for (const a of patchesT) hist[a] = (hist[a] as number) + 1
  return { layer, patchesT, R, hist }
}

/** Per filter mean error of the plan over the rows, and the mean |error| relative to mean |y|. */
function measure(
  layer: IntLayer,
  patchesT: Uint8Array,
  R: number,
  plan: Parameters<typeof accumulate>[3],
) {
  const exact = new Int32Array(layer.out * R)
  const approx = new Int32Array(layer.out * R)
  accumulate(layer, patchesT, R, undefined, exact)
  accumulate(layer, patchesT, R, plan, approx)
  let absBias = 0
  let absErr = 0
  let absY = 0
  for (let c = 0; c < layer.out; c++) {
    let s = 0
    for (let r = 0; r < R; r++) {
      const e = (approx[c * R + r] as number) - (exact[c * R + r] as number)
      s += e
      absErr += Math.abs(e)
      absY += Math.abs(exact[c * R + r] as number)
    }
    absBias += Math.abs(s / R)
  }
  return { bias: absBias / layer.out, relErr: absErr / absY }
}

test('balanced mapping cancels the per-filter mean error that all-negative leaves at c·|Σw|', () => {
  const { layer, patchesT, R, hist } = synthetic(1)
  const bank = buildBank(exactLut(), r1Lut(2, 'negative'), r1Lut(2, 'positive'))
  const stats = rowStats(bank, hist)
  const rng = new Rng(0)
  const allN = mapLayer(layer, 'all-negative', bank, stats, rng)
  const bal = mapLayer(layer, 'balanced', bank, stats, rng)
  const rnd = mapLayer(layer, 'random', bank, stats, rng)
  const mN = measure(layer, patchesT, R, allN.plan)
  const mB = measure(layer, patchesT, R, bal.plan)
  const mR = measure(layer, patchesT, R, rnd.plan)
  // all-N predicted mean = −E[a mod 4]·Σ_i w_i: c·|Σw| with c = E[a mod 4] (1.5 for uniform LSBs)
  let pred = 0
  for (let c = 0; c < layer.out; c++) {
    let sw = 0
    for (let i = 0; i < layer.K; i++) sw += layer.wT[c * layer.K + i] as number
    pred += Math.abs(
      sw * stats.meanA - sw * (stats.meanA + (stats.mu[1 * 256 + 1 + 128] as number)),
    )
  }
  pred /= layer.out
  assert.ok(Math.abs(mN.bias - pred) / pred < 0.25, `all-N bias ${mN.bias} vs c|Σw| ${pred}`)
  assert.ok(mB.bias < 0.1 * mN.bias, `balanced ${mB.bias} vs all-N ${mN.bias}`)
  // brief §1.3: mean |err| / mean |y| ≈ 2.6 % balanced vs ≈ 4.7 % all-N (random ≈ all-N with
  // zero-mean weights: both leave a filter bias of the order of √K·E|w|)
  assert.ok(
    mB.relErr < 0.7 * mR.relErr && mB.relErr < 0.7 * mN.relErr,
    `rel err ${mB.relErr} vs ${mR.relErr}, ${mN.relErr}`,
  )
  assert.ok(
    Math.abs(mB.relErr - 0.026) < 0.006 && Math.abs(mN.relErr - 0.0467) < 0.008,
    `${mB.relErr} ${mN.relErr}`,
  )
  // predicted per-filter bias of the balanced plan is tiny compared with all-N's
  const pb = bal.predictedBias.reduce((s, x) => s + Math.abs(x), 0) / layer.out
  const pn = allN.predictedBias.reduce((s, x) => s + Math.abs(x), 0) / layer.out
  assert.ok(pb < 0.01 * pn, `predicted ${pb} vs ${pn}`)
})

test('every mapping keeps zero weights exact; balanced with a zero variance budget is all exact', () => {
  const { layer, hist } = synthetic(2)
  const bank = buildBank(exactLut(), r1Lut(3, 'negative'), r1Lut(3, 'positive'))
  const stats = rowStats(bank, hist)
  for (const m of ['all-negative', 'all-positive', 'random', 'balanced'] as const) {
    const modes = assignModes(layer, m, errorModel(bank, stats), new Rng(0))
    for (let i = 0; i < modes.length; i++) if (layer.wT[i] === 0) assert.equal(modes[i], EXACT)
  }
  const modes = assignModes(layer, 'balanced', errorModel(bank, stats), new Rng(0), {
    varianceBudget: 0,
  })
  assert.ok(modes.every((m) => m === EXACT))
  const half = assignModes(layer, 'balanced', errorModel(bank, stats), new Rng(0), {
    varianceBudget: 0.5,
  })
  const exactShare = half.filter((m) => m === EXACT).length / half.length
  assert.ok(exactShare > 0.01 && exactShare < 0.5, `exact share ${exactShare}`)
  assert.ok(half.some((m) => m === NEG) && half.some((m) => m === POS))
})

test('bias correction removes the predicted filter bias; ALWANN tuning keeps the exact LUT fixed', () => {
  const { layer, patchesT, R, hist } = synthetic(3)
  const bank = buildBank(exactLut(), r1Lut(3, 'negative'), r1Lut(3, 'positive'))
  const stats = rowStats(bank, hist)
  const bc = mapLayer(layer, 'bias-corrected', bank, stats, new Rng(0))
  const allN = mapLayer(layer, 'all-negative', bank, stats, new Rng(0))
  assert.ok(
    measure(layer, patchesT, R, bc.plan).bias < 0.1 * measure(layer, patchesT, R, allN.plan).bias,
  )
  const al = mapLayer(layer, 'alwann', bank, stats, new Rng(0))
  assert.ok(
    measure(layer, patchesT, R, al.plan).relErr < measure(layer, patchesT, R, allN.plan).relErr,
  )
  // with an exact negative multiplier, tuning is the identity
  const eb = buildBank(exactLut(), exactLut(), exactLut())
  const t = tunedWeights(rowStats(eb, hist))
  for (let w = -127; w <= 127; w++) if (w !== 0) assert.equal(t[w + 128], w)
  assert.equal(rowOf(1, -128), 256 * 256)
})

test('per-index statistics balance filters whose inputs differ by position (a border that is always 0)', () => {
  const { layer, patchesT, R } = synthetic(4)
  // the first half of the inputs is always 0 (MNIST borders): P mode errs there, N mode does not
  for (let i = 0; i < layer.K / 2; i++) patchesT.fill(0, i * R, (i + 1) * R)
  const hist = new Float64Array(layer.K * 256)
  for (let i = 0; i < layer.K; i++)
    for (let r = 0; r < R; r++) {
      const k = i * 256 + (patchesT[i * R + r] as number)
      hist[k] = (hist[k] as number) + 1
    }
  const bank = buildBank(exactLut(), r1Lut(2, 'negative'), r1Lut(2, 'positive'))
  const stats = rowStats(bank, layerHistogram(hist))
  const byLayer = mapLayer(layer, 'balanced', bank, stats, new Rng(0))
  const byIndex = mapLayer(
    layer,
    'balanced',
    bank,
    stats,
    new Rng(0),
    {},
    positionStats(hist, layer.K),
  )
  const bl = measure(layer, patchesT, R, byLayer.plan).bias
  const bi = measure(layer, patchesT, R, byIndex.plan).bias
  assert.ok(bi < 0.2 * bl, `per-index ${bi} vs per-layer ${bl}`)
  // the per-index prediction is what the data show: tiny
  const pred = byIndex.predictedBias.reduce((s, x) => s + Math.abs(x), 0) / layer.out
  assert.ok(pred < 1, `predicted ${pred}`)
})
