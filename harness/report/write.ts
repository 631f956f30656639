/**
 * `effbench report`: re-render everything of a run folder from its records and saved suites.
 * Never measures; the same records give the same files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RECORDS_FILE } from '../run/runner.ts'
import type { ResolvedSuite } from '../spec/resolve.ts'
import { aggregate } from '../stats/aggregate.ts'
import { formatProblem, readRecords } from '../store/jsonl.ts'
import type { Logger } from '../types.ts'
import { buildFigureSpec, type FigureSpec, renderFigure } from './figure.ts'
import { toLatex } from './latex.ts'
import { figureRows } from './points.ts'
import {
  buildTables,
  type TableSuite,
  tablesToCsv,
  tableToLatexModel,
  tableToMarkdown,
} from './table.ts'

/** The resolved suites saved in a run folder (suites/<name>.resolved.json). */
export function readSavedSuites(dir: string): TableSuite[] {
  const folder = join(dir, 'suites')
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((f) => f.endsWith('.resolved.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as TableSuite)
}

/**
 * Writes table.md and table.csv, then per declared table a LaTeX fragment under tables/, and per
 * declared figure its Vega-Lite spec, SVG and PNG under figures/. Returns the paths written.
 */
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
  const written = [mdPath, csvPath]

  mkdirSync(join(dir, 'tables'), { recursive: true })
  for (const t of tables) {
    const path = join(dir, 'tables', `${t.suite}.${t.name}.tex`)
    writeFileSync(path, toLatex(tableToLatexModel(t)))
    written.push(path)
  }
  for (const suite of suites) {
    const figures = (suite as Partial<ResolvedSuite>).figures ?? []
    if (figures.length === 0) continue
    const rows = figureRows(
      aggregate(records.filter((r) => r.suite === suite.name && r.status === 'ok')),
    )
    mkdirSync(join(dir, 'figures'), { recursive: true })
    for (const figure of figures) {
      const base = join(dir, 'figures', `${suite.name}.${figure.name}`)
      try {
        const declared = Object.fromEntries(
          Object.entries(figure).filter(([, v]) => v !== undefined),
        )
        const spec = buildFigureSpec(declared as unknown as FigureSpec, rows)
        const { svg, png } = await renderFigure(spec)
        writeFileSync(`${base}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`)
        writeFileSync(`${base}.svg`, svg)
        writeFileSync(`${base}.png`, png)
        written.push(`${base}.svg`, `${base}.png`)
      } catch (e) {
        logger.warn(
          `Cannot render figure "${figure.name}" of suite "${suite.name}": ${(e as Error).message}`,
        )
      }
    }
  }
  return written
}
