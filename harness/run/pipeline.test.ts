import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { collectEnvironment } from '../store/env.ts'
import { persistRun } from './pipeline.ts'

test('persistRun() records one sitting per run into a folder, with the load average at its start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'effbench-persist-'))
  const env = { env: collectEnvironment(process.cwd()), hash: 'h' }
  persistRun(dir, [], env)
  persistRun(dir, [], env)
  const file = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'))
  assert.equal(file.current, 'h')
  assert.deepEqual(Object.keys(file.environments), ['h'])
  assert.equal(file.sittings.length, 2)
  for (const s of file.sittings) {
    assert.equal(s.loadStart.length, 3)
    assert.ok(s.loadStart.every((l: number) => Number.isFinite(l) && l >= 0))
  }
})
