import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createRunEnvironment } from '../run/environment.ts'
import { runTrials } from '../run/runner.ts'
import { resolveSuite } from '../spec/resolve.ts'
import { fakeRegistries, fakeSuite } from '../testing/fake.ts'
import { HISTORY_SQL, openHistory } from './history.ts'

test('openHistory() loads several runs into DuckDB, one row per record and metric', async () => {
  const registries = fakeRegistries()
  const trials = resolveSuite(fakeSuite, registries, {
    profile: 'smoke',
    rootSeed: 0,
    codeVersion: 'c',
    envHash: 'e',
  }).trials
  const runs = ['night-1', 'night-2'].map((n) => join(mkdtempSync(join(tmpdir(), 'eb-hist-')), n))
  for (const outDir of runs) {
    await runTrials(trials, {
      outDir,
      env: createRunEnvironment(
        { device: 'cpu', threads: 1, codeVersion: 'c', envHash: 'e' },
        {
          registries,
          logger: { info() {}, warn() {}, debug() {} },
          clock: { now: () => 0, timestamp: () => new Date(0).toISOString() },
        },
      ),
      sink: { write() {} },
    })
  }
  const history = await openHistory(runs)
  try {
    const [count] = await history.query('SELECT count(*) AS n FROM measurements')
    assert.equal(Number(count?.n), 2 * trials.length * 2)
    const rows = await history.query(HISTORY_SQL)
    const ref = rows.filter((r) => r.subject === 'reference' && r.metric === 'latency_ms')
    assert.deepEqual(
      ref.map((r) => r.run),
      ['night-1', 'night-2', 'night-1', 'night-2'],
    )
    assert.equal(Number(ref[0]?.median), 2)
    await assert.rejects(history.query('SELECT nope FROM measurements'), /Cannot run query/)
  } finally {
    history.close()
  }
})
