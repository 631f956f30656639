import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { collectEnvironment, installedVersion } from './env.ts'

test('a package whose exports hide package.json still reports its installed version', () => {
  const root = mkdtempSync(join(tmpdir(), 'effbench-env-'))
  const pkgDir = join(root, 'node_modules', 'hidden-pkg')
  mkdirSync(pkgDir, { recursive: true })
  writeFileSync(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name: 'hidden-pkg', version: '1.2.3', exports: { '.': './index.js' } }),
  )
  writeFileSync(join(pkgDir, 'index.js'), '')
  // Found from a nested folder too, as Node's resolution walks up.
  mkdirSync(join(root, 'sub', 'dir'), { recursive: true })
  assert.equal(installedVersion(join(root, 'sub', 'dir'), 'hidden-pkg'), '1.2.3')
  assert.equal(installedVersion(root, 'absent-pkg'), undefined)
})

test("this checkout's ESM-only dependencies are recorded with their versions", () => {
  const env = collectEnvironment(process.cwd())
  for (const name of ['vega', 'tinybench', 'graphology', 'koffi'])
    assert.match(env.packages[name] ?? '', /^\d+\.\d+/, name)
})
