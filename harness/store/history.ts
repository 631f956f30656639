/**
 * History across runs: any number of run folders loaded into an in-memory DuckDB database, one
 * row per (record, metric), so questions such as "latency of this subject over the last ten
 * nightly runs on this fingerprint" are one SQL query.
 *
 * Table `measurements`: run, run_order, key, config_key, suite, subject, subject_params,
 * dataset, dataset_params, repetition, seed, status, metric, value, unit, better, n_samples,
 * sample_median, code_version, env_hash, started_at, duration_ms.
 */
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { canonicalJson } from '../hash.ts'
import { fail } from '../messages.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import { median } from '../stats/describe.ts'
import type { Logger } from '../types.ts'
import { formatProblem, readRecords } from './jsonl.ts'

const COLUMNS = `run VARCHAR, run_order INTEGER, key VARCHAR, config_key VARCHAR, suite VARCHAR, subject VARCHAR,
  subject_params VARCHAR, dataset VARCHAR, dataset_params VARCHAR, repetition INTEGER, seed BIGINT,
  status VARCHAR, metric VARCHAR, value DOUBLE, unit VARCHAR, better VARCHAR, n_samples INTEGER,
  sample_median DOUBLE, code_version VARCHAR, env_hash VARCHAR, started_at VARCHAR, duration_ms DOUBLE`

export interface History {
  query(sql: string): Promise<Record<string, unknown>[]>
  close(): void
}

/**
 * Load the records of `runDirs` (in the given order: oldest first) into DuckDB. Damaged record
 * lines are reported to `logger` and skipped. Once loaded, the database is locked down: queries
 * can read the table and nothing else (no files, no network, no settings changes).
 */
export async function openHistory(
  runDirs: readonly string[],
  logger?: Pick<Logger, 'warn'>,
): Promise<History> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(`CREATE TABLE measurements (${COLUMNS})`)
  const appender = await connection.createAppender('measurements')
  runDirs.forEach((dir, order) => {
    const file = join(dir, RECORDS_FILE)
    if (!existsSync(file)) fail('noRecords', 'Cannot load history from', dir)
    const { records, problems } = readRecords(file)
    for (const p of problems) logger?.warn(`${formatProblem(p)}; the line is ignored`)
    for (const r of records) {
      // Failed and skipped trials keep one row (metric NULL) so they can be counted.
      const metrics = Object.entries(r.metrics)
      const rows: [string | null, (typeof metrics)[number][1] | null][] =
        metrics.length > 0 ? metrics : [[null, null]]
      for (const [name, m] of rows) {
        appender.appendVarchar(basename(dir))
        appender.appendInteger(order)
        appender.appendVarchar(r.key)
        appender.appendVarchar(r.configKey)
        appender.appendVarchar(r.suite)
        appender.appendVarchar(r.subject.id)
        appender.appendVarchar(canonicalJson(r.subject.params))
        appender.appendVarchar(r.dataset.id)
        appender.appendVarchar(canonicalJson(r.dataset.params))
        appender.appendInteger(r.repetition)
        appender.appendDouble(r.seed)
        appender.appendVarchar(r.status)
        if (name === null || m === null) {
          for (let i = 0; i < 6; i++) appender.appendNull()
        } else {
          appender.appendVarchar(name)
          appender.appendDouble(m.value)
          appender.appendVarchar(m.unit)
          appender.appendVarchar(m.better)
          appender.appendInteger(m.samples?.length ?? 0)
          if (m.samples && m.samples.length > 0) appender.appendDouble(median(m.samples))
          else appender.appendDouble(m.value)
        }
        appender.appendVarchar(r.codeVersion)
        appender.appendVarchar(r.envHash)
        appender.appendVarchar(r.startedAt)
        appender.appendDouble(r.durationMs)
        appender.endRow()
      }
    }
  })
  appender.closeSync()
  await connection.run('SET enable_external_access = false')
  await connection.run('SET lock_configuration = true')
  return {
    async query(sql) {
      try {
        const reader = await connection.runAndReadAll(sql)
        return reader.getRowObjectsJson() as Record<string, unknown>[]
      } catch (e) {
        fail('queryFailed', (e as Error).message.split('\n')[0] ?? '')
      }
    },
    close() {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/** Per-metric history by fingerprint: one row per run, subject, dataset point and metric. */
export const HISTORY_SQL = `
SELECT suite, subject, dataset_params, subject_params, metric, env_hash, run, run_order,
       count(*) AS n, median(sample_median) AS median, min(sample_median) AS min, max(sample_median) AS max
FROM measurements WHERE status = 'ok'
GROUP BY ALL ORDER BY suite, subject, dataset_params, subject_params, metric, env_hash, run_order`
