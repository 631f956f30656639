/**
 * `effbench report`: re-render everything of a run folder from its records and saved suites.
 * Never measures; the same records give the same files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RECORDS_FILE } from '../run/runner.ts'
import { formatProblem, readRecords } from '../store/jsonl.ts'
import type { Logger } from '../types.ts'
import { buildTables, type TableSuite, tablesToCsv, tableToMarkdown } from './table.ts'

/** The resolved suites saved in a run folder (suites/<name>.resolved.json). */
export function readSavedSuites(dir: string): TableSuite[] {
  const folder = join(dir, 'suites')
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((f) => f.endsWith('.resolved.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as TableSuite)
}

/** Writes table.md and table.csv; returns the paths written. */
export async function writeReport(dir: string, logger: Logger): Promise<string[]> {
  const { records, problems } = readRecords(join(dir, RECORDS_FILE))
  for (const p of problems) logger.warn(`${formatProblem(p)}; the line is ignored`)
  const saved = readSavedSuites(dir)
  const names = [...new Set(records.map((r) => r.suite))]
  // A suite whose resolved file is missing (merged from elsewhere) still gets a default table.
  const suites: TableSuite[] = names.map(
    (n) => saved.find((s) => s.name === n) ?? { name: n, baseline: undefined, tables: [] },
  )
  const tables = suites.flatMap((s) => buildTables(s, records))
  const md = [`# effbench results: ${names.join(', ')}`, '', ...tables.map(tableToMarkdown)].join(
    '\n',
  )
  const mdPath = join(dir, 'table.md')
  const csvPath = join(dir, 'table.csv')
  writeFileSync(mdPath, md)
  writeFileSync(csvPath, tablesToCsv(tables))
  return [mdPath, csvPath]
}
