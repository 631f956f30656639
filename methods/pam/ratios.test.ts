import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import { pamRatios, tradeoffRows } from './ratios.ts'

function record(
  subject: string,
  combo: string,
  flops: number,
  extra: {
    alpha?: number
    alphaConv?: number
    parts?: string
    mergeFineTune?: number
    rep?: number
    drop?: number
    acc?: number
    model?: string
  } = {},
): TrialRecord {
  const m = (value: number) => ({ value, unit: '', better: 'lower' as const })
  return {
    schema: 1,
    key: `${subject}${combo}${extra.alpha}${extra.alphaConv}${extra.parts}${extra.mergeFineTune}${extra.rep}${extra.model}`,
    configKey: '',
    suite: 'pam',
    profile: 'smoke',
    subject: {
      id: subject,
      name: subject,
      kind: subject === 'pam' ? 'method' : 'baseline',
      params: {
        combo,
        pruner: 'taylor',
        ...(extra.model === undefined ? {} : { model: extra.model }),
        ...(extra.alpha === undefined ? {} : { alpha: extra.alpha }),
        ...(extra.alphaConv === undefined ? {} : { alphaConv: extra.alphaConv }),
        ...(extra.parts === undefined ? {} : { prunePartitions: extra.parts }),
        ...(extra.mergeFineTune === undefined ? {} : { mergeFineTune: extra.mergeFineTune }),
      },
    },
    dataset: {
      id: 'mnist-tasks',
      name: 'mnist-tasks',
      version: '1',
      params: { taskSet: 'halves' },
    },
    repetition: extra.rep ?? 0,
    rootSeed: 0,
    seed: 0,
    status: 'ok',
    metrics: {
      flops: m(flops),
      acc_drop: m(extra.drop ?? 0),
      acc: m(extra.acc ?? 90),
      shared_frac: m(subject === 'pam' ? 0.5 : 0),
    },
    annotations: {},
    codeVersion: '',
    envHash: '',
    startedAt: '',
    durationMs: 0,
  }
}

// Two seeds. no-merge: A 10, B 10, A+B 20; MTZ: 30 each; PAM (means): A 11, B 9, A+B 16.
const records = [
  ...[0, 1].flatMap((rep) => [
    record('no-merge', 'A', 10, { rep }),
    record('no-merge', 'B', 10, { rep }),
    record('no-merge', 'A+B', 20, { drop: 0.5, rep }),
    record('mtz', 'A', 30, { rep }),
    record('mtz', 'B', 30, { rep }),
    record('mtz', 'A+B', 30, { drop: 2, rep }),
  ]),
  ...[0, 1].flatMap((rep) => [
    record('pam', 'A', 10 + 2 * rep, { alpha: 0.05, rep }),
    record('pam', 'B', 9, { alpha: 0.05, rep }),
    record('pam', 'A+B', 16, { alpha: 0.05, rep, drop: 0.8 * rep, acc: 80 + 10 * rep }),
  ]),
]

test('pamRatios() takes max and geomean of the per-combination FLOP ratios of seed means', () => {
  const [row, ...rest] = pamRatios(records)
  assert.equal(rest.length, 0)
  assert.equal(row!.combos, 3)
  assert.ok(Math.abs(row!.maxNoMerge - 20 / 16) < 1e-12)
  assert.ok(Math.abs(row!.geoNoMerge - Math.cbrt((10 / 11) * (10 / 9) * (20 / 16))) < 1e-12)
  assert.ok(Math.abs(row!.maxMtz - 30 / 9) < 1e-12)
  assert.ok(Math.abs(row!.singleVsNoMerge - 11 / 10) < 1e-12)
  assert.ok(Math.abs(row!.singleVsMtz - 11 / 30) < 1e-12)
  assert.ok(Math.abs(row!.allVsNoMerge - 16 / 20) < 1e-12)
  assert.deepEqual(row!.drop, { noMerge: 0.5, mtz: 2, pam: 0.8 })
})

test('tradeoffRows() gives one point per arm and α: FLOPs, worst single task, accuracy', () => {
  const rows = tradeoffRows(records)
  assert.deepEqual(
    rows.map((r) => [r['arm'], r['flops'], r['single_flops'], r['acc'], r['acc_drop']]),
    [
      ['no-merge', 20, 10, 90, 0.5],
      ['mtz', 30, 30, 90, 2],
      ['PAM α=0.05/0.01', 16, 11, 85, 0.4],
    ],
  )
})

test('pamRatios() keeps LeNet-5 and MLP records apart', () => {
  const lenet = [
    record('no-merge', 'A', 100, { model: 'lenet5' }),
    record('mtz', 'A', 300, { model: 'lenet5' }),
    record('pam', 'A', 50, { alpha: 0.05, model: 'lenet5' }),
  ]
  const rows = pamRatios([...records, ...lenet])
  assert.deepEqual(
    rows.map((r) => r.model),
    ['lenet5', 'mlp'],
  )
  assert.equal(rows[0]!.maxNoMerge, 2)
  assert.ok(Math.abs(rows[1]!.maxNoMerge - 20 / 16) < 1e-12)
})

test('pamRatios() takes α_conv as α/5 unless a record sets it, and keeps other α_conv apart', () => {
  const conv = [
    record('pam', 'A', 20, { alpha: 0.05, alphaConv: 0.01, rep: 1 }),
    record('pam', 'A', 40, { alpha: 0.05, alphaConv: 0.04 }),
  ]
  const rows = pamRatios([...records, ...conv])
  assert.deepEqual(
    rows.map((r) => [r.alpha, r.alphaConv, r.combos]),
    [
      [0.05, 0.01, 3],
      [0.05, 0.04, 1],
    ],
  )
  // The record with an explicit α_conv = α/5 joins those that left it to the default: A is the
  // mean of 10, 12 and 20.
  assert.ok(Math.abs(rows[0]!.singleVsNoMerge - 14 / 10) < 1e-12)
  assert.equal(rows[1]!.singleVsNoMerge, 40 / 10)
})

test('pamRatios() keeps PAM pruned in its shared partition only apart, against the same baselines', () => {
  const rows = pamRatios([...records, record('pam', 'A', 5, { alpha: 0.05, parts: 'shared' })])
  assert.deepEqual(
    rows.map((r) => [r.parts, r.combos]),
    [
      ['all', 3],
      ['shared', 1],
    ],
  )
  assert.equal(rows[1]!.singleVsNoMerge, 5 / 10)
})

test('pamRatios() never averages two settings: a row per setting, against its own baselines', () => {
  const other = [
    record('no-merge', 'A', 8, { mergeFineTune: 400 }),
    record('mtz', 'A', 16, { mergeFineTune: 400 }),
    record('pam', 'A', 4, { alpha: 0.05, mergeFineTune: 400 }),
  ]
  const rows = pamRatios([...records, ...other])
  assert.deepEqual(
    rows.map((r) => [r.setting, r.combos, r.maxNoMerge, r.maxMtz]),
    [
      ['mergeFineTune=200', 3, 20 / 16, 30 / 9],
      ['mergeFineTune=400', 1, 2, 4],
    ],
  )
  // With one setting there is nothing to tell apart.
  assert.deepEqual(
    pamRatios(records).map((r) => r.setting),
    [''],
  )
})

test('pamRatios() compares PAM with the baselines on the seeds both have', () => {
  // A third seed of PAM alone (A at 100) is left out of the ratios, and counted as a seed.
  const [row] = pamRatios([...records, record('pam', 'A', 100, { alpha: 0.05, rep: 2 })])
  assert.equal(row!.seeds, 3)
  assert.ok(Math.abs(row!.singleVsNoMerge - 11 / 10) < 1e-12)
})
