/**
 * LaTeX tables: a booktabs fragment for `\input{}` in a paper (needs `\usepackage{booktabs}`).
 *
 * Layout choice: plain right-aligned `r` columns with a fixed number of decimals per column, every
 * cell `$mean \pm half$` in math mode (a true minus sign, no siunitx needed). With equal decimals
 * per column the right-aligned digits line up. The row header column is `l`.
 *
 * Bold rule: in a column with `better`, the best mean is set in bold only when both it and the
 * runner-up (second-best mean) have an interval and the two intervals do not overlap; a tie, a
 * missing interval or a lone value gives no bold.
 */

/** One table cell: a mean and optionally its interval [lo, hi] and sample count. */
export interface LatexCell {
  mean: number
  lo?: number
  hi?: number
  n?: number
}

export interface LatexColumn {
  key: string
  label: string
  better?: 'higher' | 'lower'
  /** Decimals of the mean and half-width. @default 2 */
  digits?: number
  /** Printed after the label, in parentheses. */
  unit?: string
}

export interface LatexTable {
  caption?: string
  label?: string
  rowHeader: string
  columns: LatexColumn[]
  rows: { label: string; cells: Record<string, LatexCell | null> }[]
}

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
}

/** Escapes LaTeX's special characters in plain text. */
export function escapeLatex(text: string): string {
  return text.replace(/[\\&%$#_{}~^]/g, (c) => SPECIALS[c] ?? c)
}

function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits)
  // -0.00 reads as a sign that is not there.
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s
}

function hasInterval(c: LatexCell): c is LatexCell & { lo: number; hi: number } {
  return c.lo !== undefined && c.hi !== undefined && Number.isFinite(c.lo) && Number.isFinite(c.hi)
}

/** Index of the row to set in bold in one column, or -1. */
function boldRow(table: LatexTable, column: LatexColumn): number {
  if (column.better === undefined) return -1
  const sign = column.better === 'higher' ? 1 : -1
  const ranked = table.rows
    .map((row, i) => ({ i, cell: row.cells[column.key] ?? null }))
    .filter((r): r is { i: number; cell: LatexCell } => r.cell !== null)
    .filter((r) => Number.isFinite(r.cell.mean))
    .sort((p, q) => sign * (q.cell.mean - p.cell.mean) || p.i - q.i)
  const [best, runnerUp] = ranked
  if (best === undefined || runnerUp === undefined) return -1
  if (!hasInterval(best.cell) || !hasInterval(runnerUp.cell)) return -1
  const separated =
    column.better === 'higher' ? best.cell.lo > runnerUp.cell.hi : best.cell.hi < runnerUp.cell.lo
  return separated ? best.i : -1
}

function formatCell(cell: LatexCell | null, digits: number, bold: boolean): string {
  if (cell === null || !Number.isFinite(cell.mean)) return '--'
  let body = fixed(cell.mean, digits)
  if (hasInterval(cell)) body += ` \\pm ${fixed((cell.hi - cell.lo) / 2, digits)}`
  return bold ? `$\\mathbf{${body}}$` : `$${body}$`
}

function header(column: LatexColumn): string {
  let text = escapeLatex(column.label)
  if (column.unit !== undefined) text += ` (${escapeLatex(column.unit)})`
  if (column.better === 'higher') text += ' $\\uparrow$'
  if (column.better === 'lower') text += ' $\\downarrow$'
  return text
}

/** Renders a table as a booktabs LaTeX fragment; wrapped in a `table` float when it has a caption or label. */
export function toLatex(table: LatexTable): string {
  if (table.columns.length === 0)
    throw new RangeError(
      `Cannot render LaTeX table "${table.caption ?? table.rowHeader}": no columns`,
    )
  for (const column of table.columns) {
    const digits = column.digits ?? 2
    if (!Number.isInteger(digits) || digits < 0 || digits > 20)
      throw new RangeError(
        `Cannot render LaTeX table: column "${column.key}" digits = ${digits} must be an integer in [0, 20]`,
      )
  }
  if (table.label !== undefined && !/^[A-Za-z0-9:_.-]+$/.test(table.label))
    throw new RangeError(
      `Cannot render LaTeX table: label "${table.label}" may hold only letters, digits and :_.-`,
    )
  const bold = table.columns.map((column) => boldRow(table, column))
  const lines = [
    `\\begin{tabular}{l${'r'.repeat(table.columns.length)}}`,
    '\\toprule',
    `${[escapeLatex(table.rowHeader), ...table.columns.map(header)].join(' & ')} \\\\`,
    '\\midrule',
    ...table.rows.map((row, i) => {
      const cells = table.columns.map((column, j) =>
        formatCell(row.cells[column.key] ?? null, column.digits ?? 2, bold[j] === i),
      )
      return `${[escapeLatex(row.label), ...cells].join(' & ')} \\\\`
    }),
    '\\bottomrule',
    '\\end{tabular}',
  ]
  const note = '% effbench table; needs \\usepackage{booktabs}'
  if (table.caption === undefined && table.label === undefined)
    return `${[note, ...lines].join('\n')}\n`
  const float = [
    note,
    '\\begin{table}[t]',
    '\\centering',
    ...(table.caption === undefined ? [] : [`\\caption{${escapeLatex(table.caption)}}`]),
    ...(table.label === undefined ? [] : [`\\label{${table.label}}`]),
    ...lines,
    '\\end{table}',
  ]
  return `${float.join('\n')}\n`
}
