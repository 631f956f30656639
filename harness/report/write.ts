/**
 * `effbench report` and the paper build: re-render everything of a run folder from its records
 * and saved suites. Never measures; the same records give the same bytes.
 *
 *   records.jsonl + suites/*.resolved.json ─ tables (table.md, table.csv, tables/*.tex)
 *                                          ─ figures (figures/*.vl.json, *.svg, *.png)
 *                                          ─ report.html (the tables and figures on one page)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { RECORDS_FILE } from '../run/runner.ts'
import type { ResolvedSuite } from '../spec/resolve.ts'
import { aggregate, latestPerTrial } from '../stats/aggregate.ts'
import { formatProblem, readRecords } from '../store/jsonl.ts'
import { normaliseRecords, type ParamsRegistries } from '../store/normalise.ts'
import type { TrialRecord } from '../store/record.ts'
import type { Logger } from '../types.ts'
import { buildFigureSpec, type FigureRow, type FigureSpec, renderFigure } from './figure.ts'
import { type ReportFigure, reportHtml } from './html.ts'
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
export function readSavedSuites(
  dir: string,
): (TableSuite & Partial<Pick<ResolvedSuite, 'figures'>>)[] {
  const folder = join(dir, 'suites')
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((f) => f.endsWith('.resolved.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')))
}

/**
 * A suite-specific summary a method contributes to its suite's report (for what a generic table
 * cannot show, e.g. max and geomean of ratios over task combinations); a pure function of records.
 */
export interface SuiteSummary {
  suite: string
  /** A Markdown section appended to table.md. */
  render?(records: readonly TrialRecord[]): string
  /** Figures whose rows are not one per record group (curves over ε, histograms). */
  figures?(records: readonly TrialRecord[]): { figure: FigureSpec; rows: FigureRow[] }[]
}

/** What ran, in one paragraph: trials by status, subjects, the baseline. */
function ranSummary(
  suite: { name: string; baseline?: string | undefined },
  records: readonly TrialRecord[],
): string {
  const count = (status: TrialRecord['status']) => records.filter((r) => r.status === status).length
  const subjects = [...new Set(records.map((r) => r.subject.id))]
  const profiles = [...new Set(records.map((r) => r.profile))]
  return [
    `${records.length} trials (${count('ok')} ok, ${count('error')} failed, ${count('skipped')} skipped)`,
    `profile ${profiles.map((p) => `\`${p}\``).join(', ')}`,
    `subjects ${subjects.map((x) => `\`${x}\``).join(', ')}`,
    ...(suite.baseline ? [`baseline \`${suite.baseline}\``] : []),
  ]
    .join('; ')
    .concat('.')
}

/** One rendered file and the records it was built from. */
export interface Artifact {
  path: string
  /** Suites whose records the artifact shows. */
  suites: string[]
  records: TrialRecord[]
}

/**
 * Writes table.md and table.csv, then per table a LaTeX fragment under tables/, and per declared
 * figure its Vega-Lite spec, SVG and PNG under figures/, into `outDir` (default: the run folder).
 * With `registries`, records are first normalised (store/normalise.ts): params missing from
 * older records get their schema defaults, so they group with newer records of the same config.
 */
export async function writeReport(
  dir: string,
  logger: Logger,
  outDir = dir,
  summaries: readonly SuiteSummary[] = [],
  registries?: ParamsRegistries,
): Promise<Artifact[]> {
  const read = readRecords(join(dir, RECORDS_FILE))
  for (const p of read.problems) logger.warn(`${formatProblem(p)}; the line is ignored`)
  const records = latestPerTrial(
    registries ? normaliseRecords(read.records, registries) : read.records,
  )
  const saved = readSavedSuites(dir)
  const names = [...new Set(records.map((r) => r.suite))]
  // A suite whose resolved file is missing (merged from elsewhere) still gets a default table.
  const suites = names.map(
    (n) => saved.find((s) => s.name === n) ?? { name: n, baseline: undefined, tables: [] },
  )
  const of = (suite: string) => records.filter((r) => r.suite === suite)
  const tables = suites.flatMap((s) => buildTables(s, records))
  const artifacts: Artifact[] = []
  const emit = (path: string, content: string | Uint8Array, suiteNames: string[]) => {
    writeFileSync(path, content)
    artifacts.push({
      path,
      suites: suiteNames,
      records: records.filter((r) => suiteNames.includes(r.suite)),
    })
  }

  mkdirSync(join(outDir, 'tables'), { recursive: true })
  const mine = summaries.filter((x) => names.includes(x.suite))
  const extra = mine.flatMap((x) => (x.render ? [x.render(of(x.suite))] : []))
  const title = `effbench results: ${names.join(', ')}`
  const markdown = [`# ${title}`, '', ...tables.map(tableToMarkdown), ...extra].join('\n')
  emit(join(outDir, 'table.md'), markdown, names)
  emit(join(outDir, 'table.csv'), tablesToCsv(tables), names)
  for (const t of tables)
    emit(join(outDir, 'tables', `${t.suite}.${t.name}.tex`), toLatex(tableToLatexModel(t)), [
      t.suite,
    ])

  // Declared figures take one row per record group; summaries may add figures of their own.
  const jobs: { suite: string; figure: FigureSpec; rows: FigureRow[] }[] = []
  for (const suite of suites) {
    const figures = ('figures' in suite ? suite.figures : undefined) ?? []
    if (figures.length === 0) continue
    const groups = aggregate(of(suite.name).filter((r) => r.status === 'ok'))
    const rows = figureRows(groups)
    for (const figure of figures) {
      const declared = Object.fromEntries(
        Object.entries(figure).filter(([, v]) => v !== undefined),
      ) as unknown as FigureSpec
      const unit = groups.find((g) => g.metrics[figure.y])?.metrics[figure.y]?.unit
      if (declared.yTitle === undefined && unit) declared.yTitle = `${figure.y} (${unit})`
      jobs.push({ suite: suite.name, figure: declared, rows })
    }
  }
  for (const x of mine) {
    for (const f of x.figures?.(of(x.suite)) ?? []) jobs.push({ suite: x.suite, ...f })
  }
  if (jobs.length > 0) mkdirSync(join(outDir, 'figures'), { recursive: true })
  const svgs: (ReportFigure & { suite: string })[] = []
  for (const { suite, figure, rows } of jobs) {
    const base = join(outDir, 'figures', `${suite}.${figure.name}`)
    try {
      const spec = buildFigureSpec(figure, rows)
      const { svg, png } = await renderFigure(spec)
      emit(`${base}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`, [suite])
      emit(`${base}.svg`, svg, [suite])
      emit(`${base}.png`, png, [suite])
      svgs.push({ suite, name: `${suite}.${figure.name}`, svg, spec })
    } catch (e) {
      logger.warn(
        `Cannot render figure "${figure.name}" of suite "${suite}": ${(e as Error).message}`,
      )
    }
  }
  const sections = suites.map((suite) => ({
    suite: suite.name,
    ...('description' in suite && typeof suite.description === 'string'
      ? { description: suite.description }
      : {}),
    summary: [
      ranSummary(suite, of(suite.name)),
      ...mine
        .filter((x) => x.suite === suite.name)
        .flatMap((x) => (x.render ? [x.render(of(x.suite))] : [])),
    ].join('\n\n'),
    tables: tables
      .filter((t) => t.suite === suite.name)
      .map(tableToMarkdown)
      .join('\n'),
    figures: svgs.filter((f) => f.suite === suite.name),
  }))
  const links = {
    'records.jsonl': relative(outDir, join(dir, RECORDS_FILE)),
    'table.csv': 'table.csv',
    'table.md': 'table.md',
  }
  emit(join(outDir, 'report.html'), reportHtml(title, sections, { links }), names)
  return artifacts
}
