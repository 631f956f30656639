import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { GateResult, MetricComparison } from '../stats/regression.ts'
import { gateToMarkdown } from './compare-md.ts'

const comparison = (over: Partial<MetricComparison>): MetricComparison => ({
  suite: 's',
  subject: 'a',
  dataset: 'd',
  params: 'batch=1',
  metric: 'latency_ms',
  unit: 'ms',
  better: 'lower',
  baseline: 1,
  candidate: 1.4,
  ratio: 1.4,
  ratioLo: 1.35,
  ratioHi: 1.45,
  worse: 0.4,
  p: 1e-9,
  test: 'mann-whitney',
  floor: 0.12,
  floorSource: 'history',
  floorRuns: 5,
  verdict: 'regressed',
  ...over,
})

test("gateToMarkdown() states the verdict, the floors behind it and the gate's blind spots", () => {
  const result: GateResult = {
    comparisons: [
      comparison({}),
      comparison({ subject: 'b', ratio: 1.1, worse: 0.1, floor: 0.6, verdict: 'unchanged' }),
    ],
    skipped: [{ what: 's/c on d{}', why: 'not in the baseline run' }],
    regressions: 1,
  }
  const md = gateToMarkdown(result, { baseline: 'last', candidate: 'tonight' })
  assert.match(md, /^# effbench compare: tonight against last\n/)
  assert.match(md, /\*\*1 regression\*\* \(significant and past the floor\)/)
  assert.match(
    md,
    /\| regressed \| s\/a \| batch=1 \| latency_ms \(ms\) \| .* \| \+40\.0% \| 1\.0e-9 \| \+12\.0% \(history, 5 runs\) \|/,
  )
  assert.match(
    md,
    /\*\*Cannot judge\*\* 1 of 2 metrics:\n- floor above \+25\.0% [^\n]*: `s\/b` \{batch=1\} latency_ms\n/,
  )
  assert.match(md, /- s\/c on d\{\}: not in the baseline run/)
  assert.ok(md.indexOf('| regressed |') < md.indexOf('| unchanged |'), 'worst first, as given')
})

test('gateToMarkdown() names the metrics it could not judge and where a floor came from', () => {
  const result: GateResult = {
    comparisons: [
      comparison({
        verdict: 'unchanged',
        floor: 0.08,
        floorSource: 'within-run',
        floorBlocks: 8,
        worse: 0.04,
      }),
      comparison({ subject: 'b', verdict: 'unjudged', floorSource: 'default', floor: 0.05 }),
    ],
    skipped: [],
    regressions: 0,
  }
  const md = gateToMarkdown(result, { baseline: 'a', candidate: 'b' })
  assert.match(md, /\*\*No regression\.\*\*/)
  assert.match(md, /\| \+8\.0% \(within-run, 8 blocks\) \|/)
  assert.match(
    md,
    /\*\*Cannot judge\*\* 1 of 2 metrics:\n- no estimate of their run-to-run noise [^\n]*: `s\/b` \{batch=1\} latency_ms\n/,
  )
  assert.match(md, /\| unjudged \| s\/b \| .* \| unknown \|/)
})
