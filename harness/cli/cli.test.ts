import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readRecords } from '../store/jsonl.ts'

const CLI = fileURLToPath(new URL('../testing/fake-cli.ts', import.meta.url))
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  })
const tmp = () => mkdtempSync(join(tmpdir(), 'eb-cli-'))

test('an unknown CLI flag is a one-line usage error with exit code 2', () => {
  const r = cli(['run', 'fake', '--frobnicate'])
  assert.equal(r.status, 2)
  assert.equal(
    r.stderr,
    'error[usage]: Unknown option "--frobnicate" for "effbench run"; see effbench run --help\n',
  )
})

test('an unknown suite lists the valid suites and groups', () => {
  const r = cli(['run', 'nope'])
  assert.equal(r.status, 2)
  assert.match(
    r.stderr,
    /^error\[unknown-name\]: Unknown suite "nope"; valid suites: "fake"; groups: "default"/,
  )
  assert.equal(r.stderr.trim().split('\n').length, 1)
})

test('effbench run writes records, env.json, the resolved suite and tables; a second run skips all', () => {
  const out = tmp()
  const r = cli(['run', 'fake', '--profile', 'smoke', '--out', out])
  assert.equal(r.status, 0, r.stderr)
  for (const f of [
    'records.jsonl',
    'env.json',
    'suites/fake.resolved.json',
    'table.md',
    'table.csv',
  ]) {
    assert.ok(existsSync(join(out, f)), `${f} is missing`)
  }
  const md = readFileSync(join(out, 'table.md'), 'utf8')
  assert.match(md, /score vs reference \(×, >1 better\)/)
  assert.match(
    md,
    /\| reference \| 4 \| {2}\| 1 \| 0\.\d+ \| 2\.000 \[1\.900, 2\.100\] \| 1 \(baseline\) \|/,
  )
  assert.match(r.stderr, /fake trials took \d+\.\ds, within the smoke profile's budget of 60s\n/)
  const again = cli(['run', 'fake', '--profile', 'smoke', '--out', out])
  assert.equal(again.status, 0)
  assert.match(again.stderr, /0 trials run .* 6 already recorded/)
  assert.doesNotMatch(
    again.stderr,
    /budget/,
    'no trial ran, so there is nothing to hold to the budget',
  )
  const over = cli(['run', 'fake', '--profile', 'smoke', '--out', tmp(), 'budgetS=0.0001'])
  assert.match(
    over.stderr,
    /fake trials took \d+\.\ds, over the smoke profile's budget of 0\.0001s\n/,
  )
})

test('--subjects runs a subset whose records a full run then skips; an unknown id is one line', () => {
  const out = tmp()
  const part = cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--subjects', 'scaler'])
  assert.equal(part.status, 0, part.stderr)
  assert.match(part.stderr, /4 trials run .* 0 already recorded/)
  const full = cli(['run', 'fake', '--profile', 'smoke', '--out', out])
  assert.match(full.stderr, /2 trials run .* 4 already recorded/)
  const bad = cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--subjects', 'nobody'])
  assert.equal(bad.status, 2)
  assert.equal(
    bad.stderr,
    'error[usage]: Cannot run --subjects nobody: "nobody" not in the suites; valid subjects: "reference", "scaler"\n',
  )
})

test('a run interrupted by SIGINT completes only the missing trials when re-run', async () => {
  const out = tmp()
  const args = [
    'run',
    'fake',
    '--out',
    out,
    'subjects.scaler.params.sleepMs=250',
    'subjects.reference.params.sleepMs=250',
  ]
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const file = join(out, 'records.jsonl')
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0)
  while (lines() < 3) await new Promise((r) => setTimeout(r, 50))
  child.kill('SIGINT')
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
  assert.equal(code, 130)
  const partial = readRecords(file)
  assert.deepEqual(partial.problems, [])
  const total = 2 * 3 * 3
  assert.ok(
    partial.records.length < total,
    `only part of the run was recorded (${partial.records.length})`,
  )

  const rerun = cli(args)
  assert.equal(rerun.status, 0, rerun.stderr)
  const done = readRecords(file)
  const keys = done.records.map((r) => r.key)
  assert.equal(keys.length, total)
  assert.equal(new Set(keys).size, total)
  // Earlier lines are untouched: the file starts with what the interrupted run wrote.
  assert.deepEqual(
    keys.slice(0, partial.records.length),
    partial.records.map((r) => r.key),
  )
  assert.match(
    rerun.stderr,
    new RegExp(
      `${total - partial.records.length} trials run .* ${partial.records.length} already recorded`,
    ),
  )
})

test('effbench report re-renders from records and warns about a truncated last line', () => {
  const out = tmp()
  assert.equal(cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--no-report']).status, 0)
  assert.ok(!existsSync(join(out, 'table.md')))
  const file = join(out, 'records.jsonl')
  const text = readFileSync(file, 'utf8')
  spawnSync('truncate', ['-s', String(text.length - 40), file])
  const r = cli(['report', out])
  assert.equal(r.status, 0)
  assert.match(r.stderr, /records\.jsonl:6: truncated last line/)
  assert.ok(existsSync(join(out, 'table.md')))
})

test('--isolate runs each trial in a child process and kills one past its limit', () => {
  const out = tmp()
  const r = cli([
    'run',
    'fake',
    '--profile',
    'smoke',
    '--out',
    out,
    '--isolate',
    'datasets.numbers.grid.size=[4]',
  ])
  assert.equal(r.status, 0, r.stderr)
  const { records } = readRecords(join(out, 'records.jsonl'))
  assert.equal(records.length, 3)
  assert.ok(records.every((x) => x.status === 'ok' && x.annotations.isolated === true))

  const suite = join(tmp(), 'hang.suite.ts')
  const spec = {
    name: 'hang',
    description: 'hangs',
    datasets: [{ name: 'numbers' }],
    subjects: [{ name: 'hang' }],
    seeds: 1,
    timeoutS: 0.5,
  }
  writeFileSync(suite, `export default ${JSON.stringify(spec)}\n`)
  const h = cli(['run', suite, '--out', join(out, 'hang'), '--isolate'])
  assert.equal(h.status, 1)
  assert.match(
    readRecords(join(out, 'hang', 'records.jsonl')).records[0]?.message ?? '',
    /timed out after 0.5s/,
  )
})

test('--device gpu where no GPU build is installed stops before any trial', async (t) => {
  const { ortCudaAvailable } = await import('../backends/onnx.ts')
  if (ortCudaAvailable()) return t.skip('this machine has a CUDA provider')
  const out = tmp()
  const r = cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--device', 'gpu'])
  assert.equal(r.status, 2)
  assert.match(
    r.stderr,
    /^error\[device\]: Cannot run on device "gpu": no GPU build is installed here/,
  )
  assert.ok(!existsSync(join(out, 'records.jsonl')))
})
