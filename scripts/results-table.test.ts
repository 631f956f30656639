import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadState } from './results-table/query.ts'
import { FIGURE_PATTERN, handWritten, writeBlock } from './results-table/render.ts'
import { checkReadme, generatedBlocks, ROOT } from './results-table.ts'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const blocks = generatedBlocks()

test('the README results table and timings are what the committed records give', () => {
  assert.equal(checkReadme(readme, blocks), undefined)
})

test('checkReadme() names the first cell whose figure differs from the records', () => {
  // Change one digit of the first decimal number in the results table.
  const table = blocks['results-table'] as string
  const at = table.search(/\d\.\d/)
  const digit = table[at] === '9' ? '8' : String(Number(table[at]) + 1)
  const edited = writeBlock(
    readme,
    'results-table',
    table.slice(0, at) + digit + table.slice(at + 1),
  )
  const diff = checkReadme(edited, blocks)
  assert.match(diff ?? '', /^block "results-table", row ".+", column "measured here": README has/)
})

test('no measured figure in the README outside its generated blocks', () => {
  // The rule: outside `<!-- <name>:begin -->` … `<!-- <name>:end -->`, no number followed by ×, %,
  // a time unit (s, ms, min, 1m30s) or a rate (GFLOP/s, samples/s, tok/s) or a memory size.
  const offending = handWritten(readme)
    .split('\n')
    .filter((line) => FIGURE_PATTERN.test(line))
  assert.deepEqual(offending, [])
})

test('the figure rule catches timings, ratios and percentages, not counts or versions', () => {
  for (const figure of ['took 14m04s', '3.39×', '75.97%', '2,205 samples/s', '83 s', '0.5 ms'])
    assert.match(figure, FIGURE_PATTERN, figure)
  const plainTexts = [
    '3 seeds',
    'Node 20',
    'Kubernetes 1.27 schemas',
    'a 2-core machine',
    'k8s',
    '95% CI',
  ]
  for (const plain of plainTexts) assert.doesNotMatch(plain, FIGURE_PATTERN, plain)
})

test('loadState() says quiet only when every recorded 1-minute load is below the core count', () => {
  assert.equal(loadState([{ loadStart: [0.4, 1, 1], loadEnd: [1.2, 1, 1] }], 2), 'quiet')
  assert.match(loadState([{ loadStart: [0.4, 1, 1], loadEnd: [2.5, 1, 1] }], 2), /^loaded/)
  assert.equal(loadState([{ loadStart: [0.4, 1, 1] }], 2), 'load not recorded')
  assert.equal(loadState([], 2), 'load not recorded')
})

test('a missing folder, group or metric is an error naming the row and the query', async () => {
  const { registries } = await import('../effbench.ts')
  const { RecordDir } = await import('./results-table/query.ts')
  const dir = join(ROOT, 'results/reference/margin-bisection')
  assert.throws(
    () => new RecordDir(join(ROOT, 'results/reference/nope'), 'r', registries),
    /row "r": no records at .*nope/,
  )
  const records = new RecordDir(dir, 'margin', registries)
  assert.throws(
    () => records.value({ subject: 'nobody', metric: 'clean_acc' }),
    /row "margin": query .*"nobody".* matches no record group/,
  )
  assert.throws(
    () => records.value({ subject: 'mma', metric: 'nothing' }),
    /row "margin": .*has no metric "nothing"/,
  )
})
