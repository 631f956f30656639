import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { escapeLatex, type LatexTable, toLatex } from './latex.ts'

const GOLDEN = new URL('./__golden__/table-quantization.tex', import.meta.url)
/** Set EFFBENCH_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change. */
const UPDATE = process.env['EFFBENCH_UPDATE_GOLDEN'] === '1'

/** Fixed results: accuracy (higher is better) and latency (lower is better) of three schemes. */
const TABLE: LatexTable = {
  caption: 'Post-training quantization on MNIST (5 seeds, 95% CI)',
  label: 'tab:quantization',
  rowHeader: 'Scheme',
  columns: [
    { key: 'acc', label: 'Top-1 accuracy', unit: '%', better: 'higher', digits: 1 },
    { key: 'lat', label: 'Latency', unit: 'ms', better: 'lower', digits: 3 },
    { key: 'size', label: 'Model size', unit: 'KiB', digits: 0 },
  ],
  rows: [
    {
      label: 'fp32',
      cells: {
        acc: { mean: 98.42, lo: 98.3, hi: 98.54, n: 5 },
        lat: { mean: 0.412, lo: 0.401, hi: 0.425 },
        size: { mean: 1024 },
      },
    },
    {
      label: 'int8_per-channel',
      cells: {
        acc: { mean: 98.31, lo: 98.1, hi: 98.5, n: 5 },
        lat: { mean: 0.18, lo: 0.176, hi: 0.185 },
        size: { mean: 256 },
      },
    },
    {
      label: 'int4 & LSQ',
      cells: { acc: { mean: 97.06, lo: 96.7, hi: 97.4 }, lat: null, size: { mean: 128 } },
    },
  ],
}

test('toLatex() matches the golden booktabs fragment', () => {
  const tex = toLatex(TABLE)
  if (UPDATE) writeFileSync(GOLDEN, tex)
  assert.equal(tex, readFileSync(GOLDEN, 'utf8'))
})

test('toLatex() bolds the best only when its CI misses the runner-up CI', () => {
  const tex = toLatex(TABLE)
  // Accuracy: fp32 [98.30, 98.54] overlaps int8 [98.10, 98.50] → no bold.
  assert.match(tex, /^fp32 & \$98\.4 \\pm 0\.1\$ & /m)
  // Latency (lower is better): int8 [0.176, 0.185] misses fp32 [0.401, 0.425] → bold.
  assert.match(tex, /\$\\mathbf\{0\.180 \\pm 0\.005\}\$/)
  assert.equal(tex.match(/\\mathbf/g)?.length, 1)
})

test('toLatex() bolds nothing on a tie, a missing interval or a lone value', () => {
  const column = { key: 'v', label: 'v', better: 'higher' as const }
  const table = (cells: ({ mean: number; lo?: number; hi?: number } | null)[]): string =>
    toLatex({
      rowHeader: 'r',
      columns: [column],
      rows: cells.map((cell, i) => ({ label: `r${i}`, cells: { v: cell } })),
    })
  assert.match(
    table([
      { mean: 2, lo: 1.9, hi: 2.1 },
      { mean: 1, lo: 0.9, hi: 1.1 },
    ]),
    /mathbf/,
  )
  assert.doesNotMatch(table([{ mean: 2 }, { mean: 1, lo: 0.9, hi: 1.1 }]), /mathbf/)
  assert.doesNotMatch(
    table([
      { mean: 2, lo: 1, hi: 3 },
      { mean: 2, lo: 1, hi: 3 },
    ]),
    /mathbf/,
  )
  assert.doesNotMatch(table([{ mean: 2, lo: 1.9, hi: 2.1 }, null]), /mathbf/)
  // Touching intervals overlap: [1.0, 1.2] and [1.2, 1.4].
  assert.doesNotMatch(
    table([
      { mean: 1.1, lo: 1, hi: 1.2 },
      { mean: 1.3, lo: 1.2, hi: 1.4 },
    ]),
    /mathbf/,
  )
})

test('toLatex() escapes special characters in labels, units and captions', () => {
  assert.equal(
    escapeLatex('a_b & 50% {x} #1 $~^\\'),
    'a\\_b \\& 50\\% \\{x\\} \\#1 \\$\\textasciitilde{}\\textasciicircum{}\\textbackslash{}',
  )
  const tex = toLatex(TABLE)
  assert.match(tex, /^int8\\_per-channel & /m)
  assert.match(tex, /^int4 \\& LSQ & /m)
  assert.match(tex, /\\caption\{Post-training quantization on MNIST \(5 seeds, 95\\% CI\)\}/)
  assert.match(tex, /Top-1 accuracy \(\\%\) \$\\uparrow\$/)
})

test('toLatex() emits a bare tabular without caption or label and prints no negative zero', () => {
  const tex = toLatex({
    rowHeader: 'Method',
    columns: [{ key: 'd', label: 'Delta', digits: 1 }],
    rows: [
      { label: 'a', cells: { d: { mean: -0.01, lo: -0.5, hi: 0.48 } } },
      { label: 'b', cells: { d: { mean: -1.26 } } },
      { label: 'c', cells: {} },
    ],
  })
  assert.equal(
    tex,
    [
      '% effbench table; needs \\usepackage{booktabs}',
      '\\begin{tabular}{lr}',
      '\\toprule',
      'Method & Delta \\\\',
      '\\midrule',
      'a & $0.0 \\pm 0.5$ \\\\',
      'b & $-1.3$ \\\\',
      'c & -- \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '',
    ].join('\n'),
  )
  assert.throws(
    () =>
      toLatex({ label: 'tab 1', rowHeader: 'x', columns: [{ key: 'a', label: 'a' }], rows: [] }),
    /label "tab 1"/,
  )
})
