/** Bad input and interruption at the command line: one line, the right code, nothing lost. */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readRecords } from '../store/jsonl.ts'

const CLI = fileURLToPath(new URL('../testing/fake-cli.ts', import.meta.url))
const SCHEMA = fileURLToPath(new URL('../spec/schema.ts', import.meta.url))
const BIN = fileURLToPath(new URL('../../bin/effbench.js', import.meta.url))
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  })
const tmp = () => mkdtempSync(join(tmpdir(), 'eb-bad-'))
const oneLine = (s: string) => s.trim().split('\n').length === 1

/** A suite file in a folder of its own, with no package.json near it. */
function userSuite(body: string): string {
  const path = join(tmp(), 'mine.suite.ts')
  writeFileSync(path, `import { defineSuite } from '${SCHEMA}'\n\n${body}`)
  return path
}

const GOOD = `export default defineSuite({
  name: 'mine',
  description: 'a suite written outside the project',
  datasets: [{ name: 'numbers' }],
  subjects: [{ name: 'scaler' }],
  seeds: 1,
  profiles: { smoke: { seeds: 1 } },
})
`

test('a suite file outside the project that imports the harness loads and runs (real CLI)', () => {
  // Through bin/effbench.js, as a user runs it: tsx registered for ES modules only.
  const path = userSuite(`export default defineSuite({
  name: 'mine',
  description: 'a suite written outside the project',
  datasets: [{ name: 'dense-stack', params: { model: 'mlp-784-300-100-10', batch: 1 } }],
  subjects: [{ name: 'onnxruntime-dense', params: { timeMs: 5, minSamples: 3 } }],
  seeds: 1,
})
`)
  // The environment a user's shell has: none of the test runner's NODE_* variables.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NODE_')),
  )
  const r = spawnSync(process.execPath, [BIN, 'run', path, '--out', tmp(), '--no-report'], {
    encoding: 'utf8',
    timeout: 120_000,
    env,
  })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stderr, /1 trials run \(1 ok/)
})

test('a malformed suite file is one path-named error[suite] line, exit 2', () => {
  const path = userSuite(GOOD.replace("name: 'scaler'", "name: 'nope'"))
  const r = cli(['run', path, '--profile', 'smoke', '--out', tmp()])
  assert.equal(r.status, 2)
  assert.ok(oneLine(r.stderr), r.stderr)
  assert.match(
    r.stderr,
    new RegExp(`^error\\[suite\\]: Cannot load suite "${path}": Unknown subject "nope"`),
  )
})

test('a syntax error in a suite file is error[suite] with file:line:column, exit 2', () => {
  const path = userSuite(GOOD.replace('  datasets:', '  datasets:: ['))
  const r = cli(['run', path, '--out', tmp()])
  assert.equal(r.status, 2)
  assert.ok(oneLine(r.stderr), r.stderr)
  assert.match(r.stderr, new RegExp(`^error\\[suite\\]: Cannot load suite "${path}:6:12": `))
})

test('a suite without a smoke profile refuses --profile smoke instead of running its full grid', () => {
  const out = tmp()
  const r = cli([
    'run',
    userSuite(GOOD.replace('  profiles: { smoke: { seeds: 1 } },\n', '')),
    '--profile',
    'smoke',
    '--out',
    out,
  ])
  assert.equal(r.status, 2)
  assert.ok(oneLine(r.stderr), r.stderr)
  assert.match(
    r.stderr,
    /^error\[suite\]: Cannot run suite ".*" at profile "smoke": the suite declares no smoke profile/,
  )
  assert.ok(!existsSync(join(out, 'records.jsonl')))
})

test('Ctrl-C between synchronous trials stops before the next trial starts', async () => {
  const out = tmp()
  const args = ['run', 'fake', '--out', out, 'subjects.scaler.params.busyMs=400', 'seeds=4']
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const file = join(out, 'records.jsonl')
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0)
  // Wait until a busy scaler trial has been recorded (the reference trials take no time).
  const recorded = () => (existsSync(file) ? readFileSync(file, 'utf8') : '')
  const deadline = Date.now() + 120_000
  while (!recorded().includes('"scaler"')) {
    assert.ok(
      Date.now() < deadline && child.exitCode === null,
      `the run never got going: ${stderr}`,
    )
    await new Promise((r) => setTimeout(r, 20))
  }
  const atSignal = lines()
  child.kill('SIGINT')
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
  assert.equal(code, 130)
  const after = readRecords(file).records.length
  // At most the trial in flight (it cannot be abandoned mid-computation) finishes after Ctrl-C.
  assert.ok(
    after - atSignal <= 1,
    `${after - atSignal} trials ran after Ctrl-C (${atSignal} -> ${after})`,
  )
  assert.match(stderr, /interrupted: stopping/)
})

test('--seed -1 is a range error, not an unknown option', () => {
  const r = cli(['run', 'fake', '--profile', 'smoke', '--seed', '-1', '--out', tmp()])
  assert.equal(r.status, 2)
  assert.equal(r.stderr, 'error[usage]: Cannot use --seed "-1": expected an integer >= 0\n')
})

test('query and history warn about damaged record lines, with the line number', () => {
  const out = tmp()
  assert.equal(cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--no-report']).status, 0)
  appendFileSync(join(out, 'records.jsonl'), '{"not": "a record"}\n')
  for (const args of [
    ['query', 'select count(*) as n from measurements', out],
    ['history', out],
  ]) {
    const r = cli(args)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stderr, /records\.jsonl:7: .*; the line is ignored/)
  }
})

test('report on an empty records file says so, exit 2', () => {
  const out = tmp()
  writeFileSync(join(out, 'records.jsonl'), '')
  const r = cli(['report', out])
  assert.equal(r.status, 2)
  assert.match(
    r.stderr,
    /^error\[records\]: Cannot report ".*": its records\.jsonl holds no record/,
  )
  assert.ok(!existsSync(join(out, 'table.md')))
})

test('a refused merge leaves no output folder behind', () => {
  const a = tmp()
  const b = tmp()
  assert.equal(cli(['run', 'fake', '--profile', 'smoke', '--out', a, '--no-report']).status, 0)
  // The same trials from another environment: a different envHash on every record.
  const other = readFileSync(join(a, 'records.jsonl'), 'utf8').replace(
    /"envHash":"[^"]*"/g,
    '"envHash":"elsewhere"',
  )
  writeFileSync(join(b, 'records.jsonl'), other)
  const out = join(tmp(), 'merged')
  const r = cli(['merge', out, a, b])
  assert.equal(r.status, 2)
  assert.match(
    r.stderr,
    /^error\[merge\]: Cannot merge: the records come from 2 different environments/,
  )
  assert.ok(!existsSync(out), 'the refused merge created its output folder')
})

test('query reads the records and nothing else: no file writes, no file reads, errors on one line', () => {
  const out = tmp()
  assert.equal(cli(['run', 'fake', '--profile', 'smoke', '--out', out, '--no-report']).status, 0)
  const target = join(tmp(), 'leak.csv')
  for (const sql of [
    `COPY measurements TO '${target}'`,
    `SELECT * FROM read_csv('${join(out, 'env.json')}')`,
    'SET enable_external_access = true',
  ]) {
    const r = cli(['query', sql, out])
    assert.equal(r.status, 2, `${sql}: ${r.stdout}`)
    assert.ok(oneLine(r.stderr), r.stderr)
    assert.match(r.stderr, /^error\[usage\]: Cannot run query: /)
  }
  assert.ok(!existsSync(target))
})
