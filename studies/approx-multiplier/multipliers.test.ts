import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { type EnergyConfig, loadEnergyConfig, multiplierEnergy, relativeEnergy } from './energy.ts'
import {
  errorStats,
  exactLut,
  gatedFraction,
  loadLut,
  r1Lut,
  r2Lut,
  unitErrorStats,
} from './multipliers.ts'

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`)

test('r1 LUTs reproduce the brief table of mean and std error per unit |w| (uniform a)', () => {
  // brief §1.2: m, mean e_N, mean e_P, std (both)
  const table = [
    [1, -0.5, 0.5, 0.5],
    [2, -1.5, 1.5, 1.12],
    [3, -3.5, 3.5, 2.29],
    [4, -7.5, 7.5, 4.61],
  ] as const
  for (const [m, meanN, meanP, std] of table) {
    for (const w of [1, 37, 127]) {
      const n = unitErrorStats(r1Lut(m, 'negative'), w)
      const p = unitErrorStats(r1Lut(m, 'positive'), w)
      close(n.mean, meanN, 1e-9, `m=${m} w=${w} mean N`)
      close(p.mean, meanP, 1e-9, `m=${m} w=${w} mean P`)
      close(n.std, std, 0.005, `m=${m} std N`)
      close(p.std, std, 0.005, `m=${m} std P`)
      // closed form: variance (4^m − 1)/12
      close(n.std ** 2, (4 ** m - 1) / 12, 1e-9, `m=${m} variance`)
    }
  }
})

test('r2 LUTs reproduce the brief table of mean, std and MRED over uniform operands', () => {
  const table = [
    [4, 'negative', -12.25, 9.91, 0.56],
    [4, 'positive', 36.75, 9.91, 2.26],
    [6, 'negative', -80.25, 52.1, 2.6],
    [6, 'positive', 240.75, 52.1, 15.9],
  ] as const
  for (const [k, mode, mean, std, mred] of table) {
    const s = errorStats(r2Lut(k, mode))
    close(s.mean, mean, 1e-9, `k=${k} ${mode} mean`)
    close(s.std, std, 0.05, `k=${k} ${mode} std`)
    close(100 * s.mred, mred, 0.05, `k=${k} ${mode} MRED`)
  }
})

test('negative modes never exceed and positive modes never fall below the exact product', () => {
  const exact = exactLut()
  for (const lut of [r1Lut(3, 'negative'), r2Lut(5, 'negative')])
    for (let i = 0; i < lut.length; i++) assert.ok((lut[i] as number) <= (exact[i] as number))
  for (const lut of [r1Lut(3, 'positive'), r2Lut(5, 'positive')])
    for (let i = 0; i < lut.length; i++) assert.ok((lut[i] as number) >= (exact[i] as number))
  assert.deepEqual(r1Lut(0, 'negative'), exact)
  assert.equal(r1Lut(2, 'negative')[5 * 256 + 7], 5 * 4)
  assert.equal(r1Lut(2, 'positive')[5 * 256 + 4], 5 * 7)
})

test('loadLut() reads a C-header LUT file and a JSON one, and rejects a short table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'am-lut-'))
  try {
    const lut = r1Lut(3, 'negative')
    const header = join(dir, 'mul8u_test.h')
    writeFileSync(header, `const uint16_t lut[256][256] = {${Array.from(lut).join(', ')}};\n`)
    assert.deepEqual(loadLut(header), lut)
    const json = join(dir, 'lut.json')
    writeFileSync(
      json,
      JSON.stringify(
        Array.from({ length: 256 }, (_, w) => Array.from(lut.subarray(w * 256, (w + 1) * 256))),
      ),
    )
    assert.deepEqual(loadLut(json), lut)
    const short = join(dir, 'short.csv')
    writeFileSync(short, '1,2,3')
    assert.throws(() => loadLut(short), /found 3 values, need 65536/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the gate-count proxy prices r1 levels at 1 − 0.8·m/8 and sums MACs × energy', () => {
  const cfg = loadEnergyConfig()
  assert.equal(cfg.label, 'gate-count proxy')
  close(multiplierEnergy(cfg, 'r1', 1, 'negative'), 0.9, 1e-12, 'm=1')
  close(multiplierEnergy(cfg, 'r1', 3, 'positive'), 0.7, 1e-12, 'm=3')
  assert.equal(multiplierEnergy(cfg, 'r1', 3, 'exact'), 1)
  assert.equal(gatedFraction('r2', 4), 10 / 64)
  const custom: EnergyConfig = { label: 'x', beta: 0.8, overrides: { 'r1-2': 0.5 } }
  assert.equal(multiplierEnergy(custom, 'r1', 2, 'negative'), 0.5)
  assert.throws(() => multiplierEnergy(custom, 'file', 1, 'negative'), /no entry/)
  // two layers: 10 positions × [1, 0.5], 1 position × [1, 1]: (10·1.5 + 2) / (20 + 2)
  close(
    relativeEnergy([
      { positions: 10, energies: [1, 0.5] },
      { positions: 1, energies: [1, 1] },
    ]),
    17 / 22,
    1e-12,
    'total',
  )
})

test('in r1 and r2 the positive LUT is the negative LUT plus a constant per weight', () => {
  // r1: P − N = w·(2^m − 1) for every a; r2: P − N = Σ_{i+j<k} 2^(i+j) for every (w, a). So a
  // P/N mix of a filter equals all-negative plus a per-filter constant: balancing the modes is a
  // bias correction in disguise (the accuracy and the error variance of the two coincide).
  for (const m of [1, 3]) {
    const n = r1Lut(m, 'negative')
    const p = r1Lut(m, 'positive')
    for (let w = 0; w < 256; w += 17)
      for (let a = 0; a < 256; a++)
        assert.equal((p[w * 256 + a] as number) - (n[w * 256 + a] as number), w * (2 ** m - 1))
  }
  const n = r2Lut(4, 'negative')
  const p = r2Lut(4, 'positive')
  for (let i = 0; i < n.length; i += 101)
    assert.equal((p[i] as number) - (n[i] as number), 1 + 2 * 2 + 3 * 4 + 4 * 8)
})
