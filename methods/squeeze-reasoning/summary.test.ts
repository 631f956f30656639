import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import { renderSqueezeReasoning } from './summary.ts'

function costRecord(
  name: string,
  backend: string,
  side: number,
  ms: number,
  mib: number,
  rep = 0,
): TrialRecord {
  const mem = backend === 'onnxruntime' ? 'head_rss_mib' : 'head_peak_mib'
  return {
    schema: 1,
    key: `${name}-${backend}-${side}-${rep}`,
    configKey: `${name}-${backend}-${side}-${rep}`,
    suite: 'squeeze-reasoning',
    profile: 'default',
    subject: {
      id: `${name}-cost`,
      name,
      params: {
        task: 'cost',
        side,
        backend,
        ...(name === 'squeeze-reasoning' ? { nodes: 8 } : {}),
      },
      kind: name === 'squeeze-reasoning' ? 'method' : 'baseline',
    },
    dataset: { id: 'mnist-segmentation', name: 'mnist-segmentation', params: {}, version: '1' },
    repetition: rep,
    rootSeed: 0,
    seed: rep,
    status: 'ok',
    metrics: {
      head_ms: { value: ms, unit: 'ms', better: 'lower', samples: [ms * 0.9, ms, ms * 1.1] },
      [mem]: { value: mib, unit: 'MiB', better: 'lower' },
      head_gmacs: { value: 1, unit: 'GMAC', better: 'lower' },
    },
    annotations: {},
    codeVersion: 'x',
    envHash: 'x',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
  }
}

test('the cost summary fits log-log slopes per head and backend and the non-local / SR ratio on each backend', () => {
  const records: TrialRecord[] = []
  for (const side of [16, 32, 64, 128]) {
    const hw = side * side
    // SR linear in HW, non-local quadratic; onnxruntime 4x faster than tfjs on both.
    records.push(costRecord('squeeze-reasoning', 'tfjs-wasm', side, hw / 1000, hw / 100))
    records.push(costRecord('non-local', 'tfjs-wasm', side, (hw * hw) / 1e6, (hw * hw) / 1e5))
    records.push(costRecord('squeeze-reasoning', 'onnxruntime', side, hw / 4000, 1 + hw / 1000))
    records.push(costRecord('non-local', 'onnxruntime', side, (hw * hw) / 4e6, (hw * hw) / 1e5))
  }
  const md = renderSqueezeReasoning(records)
  const row = (head: string, backend: string) =>
    md.split('\n').find((l) => l.startsWith(`| ${head} | ${backend} |`)) ?? ''
  // columns: head, backend, 4 sizes, IQR, slope ms, 4 sizes, slope MiB, GMAC
  const cells = (l: string) => l.split('|').map((c) => c.trim())
  assert.equal(cells(row('sr-n8', 'tfjs-wasm'))[8], '1.00')
  assert.equal(cells(row('non-local', 'tfjs-wasm'))[8], '2.00')
  assert.equal(cells(row('non-local', 'onnxruntime'))[8], '2.00')
  assert.equal(cells(row('non-local', 'tfjs-wasm'))[13], '2.00')
  // IQR of the pooled samples at 128² (0.9 ms, ms, 1.1 ms): p25–p75 = 0.95·ms – 1.05·ms
  assert.equal(
    cells(row('sr-n8', 'tfjs-wasm'))[7],
    `${(0.95 * 16.384).toFixed(3)}–${(1.05 * 16.384).toFixed(3)}`,
  )
  // non-local / SR at 128²: HW² / 1e6 over HW / 1000 = HW / 1000 = 16.4 on both backends
  assert.match(md, /- tfjs-wasm: non-local \/ sr-n8 latency at 128²: 16\.4×/)
  assert.match(md, /- onnxruntime: non-local \/ sr-n8 latency at 128²: 16\.4×/)
  assert.match(md, /latency tfjs-wasm \/ onnxruntime at 128²: non-local 4\.0×, sr-n8 4\.0×/)
})
