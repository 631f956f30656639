/**
 * The README's generated blocks, from the row definitions and the committed records:
 *
 *   rows.ts ─ queries over results/reference/<dir>/ ─ cells ─ Markdown table
 *   README  ─ <!-- <block>:begin --> ... <!-- <block>:end --> replaced, or checked cell by cell
 *
 * Text outside the blocks is hand-written and must hold no measured figure (FIGURE_PATTERN).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ParamsRegistries } from '../../harness/store/normalise.ts'
import { RecordDir } from './query.ts'
import { Cells, fmt, type RowSpec } from './row.ts'

export const REFERENCE_DIR = 'results/reference'
export const COLUMNS = ['study (suite)', "paper's claim", 'measured here', 'records'] as const

/**
 * A measured figure: a number (not part of a word such as k8s) followed by ×, %, a time unit, a
 * rate or a memory size. A confidence level ("95% CI", "95% t interval") is a definition, not a
 * measurement, and is not matched.
 */
export const FIGURE_PATTERN =
  /(?<![\w.])\d+(?:[.,]\d+)?\s?(?:×|%(?! (?:CI|t interval|bootstrap))|ms\b|s\b|min\b|GFLOP\/s|MMAC\/s|samples\/s|tok\/s|MiB|KiB|GiB)|\d\s?m\d+s\b/

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')
}

/** The four cells of each row, every number queried from the records under `root`. */
export function renderRows(
  rows: readonly RowSpec[],
  root: string,
  registries: ParamsRegistries,
): string[][] {
  return rows.map((row) => {
    const dirs = Object.fromEntries(
      Object.entries(row.records).map(([name, dir]) => [
        name,
        new Cells(new RecordDir(join(root, REFERENCE_DIR, dir as string), row.study, registries)),
      ]),
    )
    const sources = Object.values(dirs).map((c) => {
      const dir = c.dir.dir.slice(root.length + 1)
      const link = `[${dir.slice(REFERENCE_DIR.length + 1)}](${dir}/)`
      return row.timings ? `${link} (${c.dir.load()})` : link
    })
    return [row.study, row.claim, row.measured(dirs), sources.join(', ')].map(cell)
  })
}

export function tableMarkdown(cells: readonly string[][]): string {
  const line = (cs: readonly string[]) => `| ${cs.join(' | ')} |`
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...cells.map(line)].join('\n')
}

/** One line per default-profile run: its trial time against the profile's budget. */
export function timingsMarkdown(
  suites: readonly { suite: string; dir: string }[],
  root: string,
  registries: ParamsRegistries,
): string {
  let total = 0
  let totalTrials = 0
  const lines = suites.map(({ suite, dir }) => {
    const records = new RecordDir(join(root, REFERENCE_DIR, dir), `timings: ${suite}`, registries)
    const trials = records.records.filter((r) => r.suite === suite && r.profile === 'default')
    if (trials.length === 0)
      throw new Error(`timings: no default-profile records of "${suite}" in ${records.dir}`)
    const seconds = trials.reduce((s, r) => s + r.durationMs, 0) / 1000
    total += seconds
    totalTrials += trials.length
    const resolved = join(records.dir, 'suites', `${suite}.resolved.json`)
    const saved = existsSync(resolved) ? JSON.parse(readFileSync(resolved, 'utf8')) : {}
    const budget: number | undefined = saved.budgetS
    const planned: number = saved.trials?.length ?? trials.length
    const verdict =
      budget === undefined ? '' : `${seconds <= budget ? 'within' : 'over'} its ${budget} s budget`
    const ran = planned > trials.length ? `${trials.length} of ${planned}` : `${trials.length}`
    return `| ${suite} | ${ran} | ${fmt(seconds, 0)} s | ${verdict} | [${dir}](${REFERENCE_DIR}/${dir}/) (${records.load()}) |`
  })
  return [
    '| suite | trials | trial time | default budget | records |',
    '| --- | ---: | ---: | --- | --- |',
    ...lines,
    `| all ${suites.length} | ${totalTrials} | ${fmt(total, 0)} s | | |`,
  ].join('\n')
}

const begin = (name: string) => `<!-- ${name}:begin -->`
const end = (name: string) => `<!-- ${name}:end -->`

function span(readme: string, name: string): { from: number; to: number } {
  const from = readme.indexOf(begin(name))
  const to = readme.indexOf(end(name))
  if (from < 0 || to < from)
    throw new Error(`README has no "${begin(name)}" … "${end(name)}" block`)
  return { from: from + begin(name).length, to }
}

/** The text of a generated block, without the markers and surrounding newlines. */
export function readBlock(readme: string, name: string): string {
  const { from, to } = span(readme, name)
  return readme.slice(from, to).trim()
}

export function writeBlock(readme: string, name: string, content: string): string {
  const { from, to } = span(readme, name)
  return `${readme.slice(0, from)}\n${content}\n${readme.slice(to)}`
}

/** The README with every generated block removed: the hand-written text. */
export function handWritten(readme: string): string {
  return readme.replace(/<!-- ([\w-]+):begin -->[\s\S]*?<!-- \1:end -->/g, '')
}

function splitRow(line: string): string[] {
  return line
    .replace(/^\|\s?|\s?\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

/** Where `actual` first departs from `expected`, with a little context. */
function firstDifference(actual: string, expected: string): string {
  let i = 0
  while (i < actual.length && actual[i] === expected[i]) i++
  const from = Math.max(0, i - 30)
  return `README has "…${actual.slice(from, i + 30)}…", the records give "…${expected.slice(from, i + 30)}…"`
}

/**
 * The first cell of a generated table that differs from what the records give, named by its
 * row's first cell and its column header; undefined when the block matches.
 */
export function firstDifferingCell(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined
  const a = actual.split('\n')
  const e = expected.split('\n')
  const header = splitRow(e[0] ?? '')
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    const ac = splitRow(a[i] ?? '')
    const ec = splitRow(e[i] ?? '')
    for (let j = 0; j < Math.max(ac.length, ec.length); j++) {
      if (ac[j] === ec[j]) continue
      const where = `row "${ec[0] ?? ac[0]}", column "${header[j] ?? j + 1}"`
      return `${where}: ${firstDifference(ac[j] ?? '', ec[j] ?? '')}`
    }
  }
  return firstDifference(actual, expected)
}
