import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { createRunEnvironment } from '../run/environment.ts'
import { runTrials } from '../run/runner.ts'
import { resolveSuite } from '../spec/resolve.ts'
import { fakeRegistries, fakeSuite } from '../testing/fake.ts'
import { buildPaper } from './paper.ts'

const quiet = { info() {}, warn() {}, debug() {} }

function files(dir: string, out: Record<string, Buffer> = {}, root = dir): Record<string, Buffer> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) files(p, out, root)
    else out[relative(root, p)] = readFileSync(p)
  }
  return out
}

test('buildPaper() twice from the same records is byte-identical and names its records', async () => {
  const registries = fakeRegistries()
  const resolved = resolveSuite(fakeSuite, registries, {
    profile: 'smoke',
    rootSeed: 0,
    codeVersion: 'c',
    envHash: 'e',
  })
  const run = join(mkdtempSync(join(tmpdir(), 'eb-paper-')), 'fake-smoke')
  mkdirSync(join(run, 'suites'), { recursive: true })
  writeFileSync(join(run, 'suites', 'fake.resolved.json'), JSON.stringify(resolved))
  let t = 0
  await runTrials(resolved.trials, {
    outDir: run,
    env: createRunEnvironment(
      { device: 'cpu', threads: 1, codeVersion: 'c', envHash: 'e' },
      {
        registries,
        logger: quiet,
        clock: { now: () => (t += 1), timestamp: () => new Date(0).toISOString() },
      },
    ),
    sink: { write() {} },
  })
  const a = mkdtempSync(join(tmpdir(), 'eb-paper-a-'))
  const b = mkdtempSync(join(tmpdir(), 'eb-paper-b-'))
  const manifest = await buildPaper([run], a, quiet)
  await buildPaper([run], b, quiet)
  const fa = files(a)
  const fb = files(b)
  assert.deepEqual(Object.keys(fa).sort(), Object.keys(fb).sort())
  for (const k of Object.keys(fa))
    assert.ok(fa[k]?.equals(fb[k] as Buffer), `${k} differs between builds`)
  assert.ok('fake-smoke/figures/fake.score.png' in fa)
  assert.ok('fake-smoke/tables/fake.main.tex' in fa)
  const png = manifest.runs[0]?.artifacts.find(
    (x) => x.file === 'fake-smoke/figures/fake.score.png',
  )
  assert.equal(png?.recordKeys.length, resolved.trials.length)
  assert.deepEqual(png?.codeVersions, ['c'])
})
