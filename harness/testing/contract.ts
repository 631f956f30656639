/**
 * The shared contract every registered subject must pass on its suite's smoke configuration:
 * each trial ends `ok` (or `skipped` with a reason, e.g. no compiler here), every metric is a
 * finite number with a unit and a direction, the suite's declared table metrics are produced, and
 * the report renders from the records.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registries } from '../registry.ts'
import { runPipeline } from '../run/pipeline.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import type { SuiteSpec } from '../spec/schema.ts'
import { readRecords } from '../store/jsonl.ts'

const quiet = { info() {}, warn() {}, debug() {} }

/** Runs `suite` at its smoke profile in a temporary folder and checks the contract. */
export async function checkSuiteContract(suite: SuiteSpec, registries: Registries): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `eb-contract-${suite.name}-`))
  try {
    const { plan } = await runPipeline(
      { registries, root: dir },
      {
        suites: [suite],
        profile: 'smoke',
        rootSeed: 0,
        outDir: dir,
        device: 'cpu',
        threads: 1,
        render: true,
      },
      {
        logger: quiet,
        sink: { write() {} },
        clock: { now: () => performance.now(), timestamp: () => new Date(0).toISOString() },
        identity: { codeVersion: 'contract', envHash: 'contract' },
      },
    )
    const [resolved] = plan.resolved
    assert.ok(resolved && resolved.trials.length > 0, `suite "${suite.name}" has no smoke trials`)
    const { records, problems } = readRecords(join(dir, RECORDS_FILE))
    assert.deepEqual(problems, [])
    assert.equal(records.length, resolved.trials.length)
    for (const r of records) {
      const where = `${suite.name}/${r.subject.id} on ${r.dataset.id} ${JSON.stringify(r.dataset.params)}`
      assert.notEqual(r.status, 'error', `${where} failed: ${r.message}\n${r.stack ?? ''}`)
      if (r.status === 'skipped') {
        assert.ok(r.message && r.message.length > 0, `${where} was skipped without a reason`)
        continue
      }
      assert.ok(Object.keys(r.metrics).length > 0, `${where} returned no metrics`)
      for (const [name, m] of Object.entries(r.metrics)) {
        assert.ok(Number.isFinite(m.value), `${where}: metric "${name}" is not finite`)
        assert.equal(typeof m.unit, 'string')
        assert.ok(m.better === 'higher' || m.better === 'lower')
        for (const s of m.samples ?? [])
          assert.ok(Number.isFinite(s), `${where}: a sample of "${name}" is not finite`)
      }
    }
    for (const s of resolved.subjects) {
      assert.ok(
        records.some((r) => r.subject.id === s.id),
        `subject "${s.id}" produced no record`,
      )
    }
    const ok = records.filter((r) => r.status === 'ok')
    if (ok.length > 0) {
      for (const t of resolved.tables) {
        for (const metric of t.metrics) {
          assert.ok(
            ok.some((r) => metric in r.metrics),
            `table "${t.name}" of suite "${suite.name}" shows metric "${metric}", which no trial produced`,
          )
        }
      }
    }
    assert.ok(existsSync(join(dir, 'table.md')), 'the report did not render')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
