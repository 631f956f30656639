import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ArtifactStore } from '../store/artifacts.ts'
import { cacheLocation } from './cache.ts'

const CLI = fileURLToPath(new URL('../testing/fake-cli.ts', import.meta.url))
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  })

test('effbench cache info counts the entries and cache clear removes them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eb-cache-cli-'))
  const store = new ArtifactStore(dir, 1 << 30)
  store.write('ab'.repeat(20), new Uint8Array(3 << 20))
  store.write('cd'.repeat(20), new Uint8Array(1 << 20))
  const env = { EFFBENCH_CACHE_DIR: dir, EFFBENCH_CACHE_MAX_MB: '100' }
  const info = cli(['cache', 'info'], env)
  assert.equal(info.status, 0, info.stderr)
  assert.match(info.stdout, new RegExp(`^${dir}: 2 entries, 4\\.0 MiB of 100\\.0 MiB; last used `))
  const clear = cli(['cache', 'clear'], env)
  assert.equal(clear.status, 0, clear.stderr)
  assert.equal(clear.stdout, `removed 2 entries (4.0 MiB) from ${dir}\n`)
  assert.equal(store.info().entries, 0)
  assert.match(cli(['cache', 'info'], env).stdout, / 0 entries, 0\.0 MiB of 100\.0 MiB\n$/)
})

test('effbench cache without info or clear is a one-line usage error', () => {
  const r = cli(['cache', 'wipe'], {})
  assert.equal(r.status, 2)
  assert.equal(
    r.stderr,
    'error[usage]: Cannot run "effbench cache wipe": expected "info" or "clear"\n',
  )
})

test('cacheLocation() reads the folder and the cap from the environment, with defaults', () => {
  assert.deepEqual(cacheLocation({ EFFBENCH_CACHE_DIR: '/x/y', EFFBENCH_CACHE_MAX_MB: '1.5' }), {
    dir: '/x/y',
    maxBytes: 1.5 * 2 ** 20,
  })
  const d = cacheLocation({})
  assert.ok(d.dir.endsWith(join('results', '.cache')))
  assert.equal(d.maxBytes, 2048 * 2 ** 20)
  assert.throws(
    () => cacheLocation({ EFFBENCH_CACHE_MAX_MB: 'lots' }),
    /EFFBENCH_CACHE_MAX_MB "lots"/,
  )
})
