/**
 * Figures: a suite's figure declaration plus flat result rows -> a Vega-Lite spec -> SVG and PNG.
 *
 *   buildFigureSpec(figure, rows)   pure; layers the mark and, when the rows carry `${y}_lo` and
 *                                   `${y}_hi`, error bars (point, bar) or an error band (line)
 *   renderFigure(spec)              vega-lite compile -> vega View (renderer 'none') -> toSVG();
 *                                   the SVG -> PNG with resvg, system fonts never loaded
 *
 * Determinism: width, height, font, font sizes and background are pinned in the spec config.
 * Vega lays out text with its width *estimate* (0.8 em per character, forced here even where the
 * `canvas` package is installed), so the SVG does not depend on the machine's fonts. The PNG
 * rasterizes text with DejaVu Sans read from a fixed path (`FIGURE_FONT_FILES`, the first that
 * exists); where none exists the PNG is still byte-stable but its text is not drawn. Callers
 * that need text in PNGs on such machines pass `fontFiles`.
 */
import { existsSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import * as vega from 'vega'
import type { TopLevelSpec } from 'vega-lite'
import { compile } from 'vega-lite'

/** What a suite declares for one figure. */
export interface FigureSpec {
  name: string
  title?: string
  /** Column on the x axis. */
  x: string
  /** Numeric column on the y axis; `${y}_lo` and `${y}_hi`, when present, bound its CI. */
  y: string
  color?: string
  facet?: string
  /** @default 'line' */
  mark?: 'line' | 'point' | 'bar'
  logX?: boolean
  logY?: boolean
  /** Axis titles; default the column names. */
  xTitle?: string
  yTitle?: string
}

/** A flat result row; for a numeric column `c` there may be `c_lo` and `c_hi` (its CI). */
export type FigureRow = Record<string, string | number | null>

export type VegaLiteSpec = TopLevelSpec

export interface RenderedFigure {
  svg: string
  png: Uint8Array
  /** The font file the PNG's text was drawn with; null when none was found. */
  font: string | null
}

export interface RenderOptions {
  /** Font files for the PNG; the first is the default family. @default FIGURE_FONT_FILES (first found) */
  fontFiles?: string[]
  /** PNG pixels per SVG pixel. @default 2 */
  scale?: number
}

/** Pinned figure geometry and typography. */
export const FIGURE_WIDTH = 360
export const FIGURE_HEIGHT = 220
export const FIGURE_FONT_FAMILY = 'DejaVu Sans'

/**
 * Fixed paths where DejaVu Sans lives on common Linux distributions (Debian/Ubuntu
 * fonts-dejavu-core, Fedora, Alpine, Arch). No font ships in node_modules, and system font
 * discovery is off so that a machine's other fonts never change a PNG.
 */
export const FIGURE_FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
] as const

/** The font file a PNG render will use by default, or null when none of the fixed paths exists. */
export function defaultFigureFont(): string | null {
  return FIGURE_FONT_FILES.find((path) => existsSync(path)) ?? null
}

/** Vega-Lite reads `.` and `[]` in a field name as nested access; escape them. */
function field(name: string): string {
  return name.replace(/[.[\]\\]/g, '\\$&')
}

function isNumericColumn(rows: readonly FigureRow[], column: string): boolean {
  let seen = false
  for (const row of rows) {
    const v = row[column]
    if (v === null || v === undefined) continue
    if (typeof v !== 'number') return false
    seen = true
  }
  return seen
}

function checkColumn(figure: FigureSpec, rows: readonly FigureRow[], column: string): void {
  if (!rows.some((row) => row[column] !== undefined)) {
    throw new RangeError(
      `Cannot build figure "${figure.name}": no row has column "${column}"` +
        (rows.length === 0 ? ' (no rows)' : ''),
    )
  }
}

/** Builds the Vega-Lite spec of a figure from flat rows (a pure function of its arguments). */
export function buildFigureSpec(figure: FigureSpec, rows: readonly FigureRow[]): VegaLiteSpec {
  for (const column of [figure.x, figure.y, figure.color, figure.facet]) {
    if (column !== undefined) checkColumn(figure, rows, column)
  }
  if (!isNumericColumn(rows, figure.y)) {
    throw new TypeError(`Cannot build figure "${figure.name}": column "${figure.y}" is not numeric`)
  }
  const mark = figure.mark ?? 'line'
  const lo = `${figure.y}_lo`
  const hi = `${figure.y}_hi`
  const hasCi = isNumericColumn(rows, lo) && isNumericColumn(rows, hi)
  // Bars stand on categories; lines and points use a continuous x when the column is numeric.
  const xQuantitative = mark !== 'bar' && isNumericColumn(rows, figure.x)
  const x = xQuantitative
    ? {
        field: field(figure.x),
        type: 'quantitative' as const,
        title: figure.xTitle ?? figure.x,
        scale: figure.logX ? { type: 'log' as const } : { zero: false },
      }
    : {
        field: field(figure.x),
        type: 'ordinal' as const,
        title: figure.xTitle ?? figure.x,
        // Category names that would overlap side by side are slanted.
        axis: { labelAngle: labelChars(rows, figure.x) > 40 ? -35 : 0 },
      }
  const yScale = figure.logY ? { scale: { type: 'log' as const } } : {}
  const yTitle = figure.yTitle ?? figure.y
  const y = { field: field(figure.y), type: 'quantitative' as const, title: yTitle, ...yScale }
  const color =
    figure.color === undefined
      ? {}
      : {
          color: {
            field: field(figure.color),
            type: 'nominal' as const,
            title: figure.color,
            scale: { scheme: 'tableau20' },
          },
        }
  // Grouped bars: series side by side within a category, their error bars with them.
  const xOffset =
    mark === 'bar' && figure.color !== undefined && figure.color !== figure.x
      ? { xOffset: { field: field(figure.color), type: 'nominal' as const } }
      : {}
  const main = {
    mark:
      mark === 'line'
        ? { type: 'line' as const, point: true }
        : mark === 'point'
          ? { type: 'point' as const, filled: true }
          : { type: 'bar' as const },
    encoding: { x, y, ...color, ...xOffset },
  }
  // Bars get dark error bars (a bar's own colour would hide the lower half); lines and points
  // draw the interval in the series colour.
  const ci = {
    mark:
      mark === 'line'
        ? { type: 'errorband' as const, opacity: 0.25 }
        : mark === 'bar'
          ? { type: 'errorbar' as const, ticks: true, color: '#333333' }
          : { type: 'errorbar' as const, ticks: true },
    encoding: {
      x,
      y: { field: field(lo), type: 'quantitative' as const, title: yTitle, ...yScale },
      y2: { field: field(hi) },
      ...(mark === 'bar' ? {} : color),
      ...xOffset,
    },
  }
  const layer = hasCi ? [main, ci] : [main]
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: figure.title ?? figure.name,
    data: { values: rows.map((row) => ({ ...row })) },
    config: {
      font: FIGURE_FONT_FAMILY,
      background: 'white',
      title: { fontSize: 13 },
      axis: { labelFontSize: 10, titleFontSize: 11 },
      legend: { labelFontSize: 10, titleFontSize: 11 },
      header: { labelFontSize: 11, titleFontSize: 11 },
    },
  }
  if (figure.facet === undefined) {
    return { ...spec, width: FIGURE_WIDTH, height: FIGURE_HEIGHT, layer } as VegaLiteSpec
  }
  return {
    ...spec,
    facet: { field: field(figure.facet), type: 'nominal', title: figure.facet },
    columns: 3,
    spec: { width: FIGURE_WIDTH / 2, height: FIGURE_HEIGHT / 2, layer },
  } as VegaLiteSpec
}

/** Characters of the distinct values of a column, laid end to end. */
function labelChars(rows: readonly FigureRow[], column: string): number {
  return [...new Set(rows.map((r) => String(r[column])))].reduce((n, v) => n + v.length, 0)
}

interface TextMetrics {
  canvas(use: boolean): void
}

/** Renders a Vega-Lite spec to SVG (vega, headless) and PNG (resvg); re-renders are byte-identical. */
export async function renderFigure(
  spec: VegaLiteSpec,
  options: RenderOptions = {},
): Promise<RenderedFigure> {
  // Estimated text widths: measuring with node-canvas, where installed, would tie the layout to
  // the machine's fonts.
  ;(vega as unknown as { textMetrics: TextMetrics }).textMetrics.canvas(false)
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  let svg: string
  try {
    svg = await view.toSVG()
  } finally {
    view.finalize()
  }
  const fontFiles =
    options.fontFiles ?? [defaultFigureFont()].filter((f): f is string => f !== null)
  const font = fontFiles[0] ?? null
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: false,
      fontFiles,
      defaultFontFamily: FIGURE_FONT_FAMILY,
      sansSerifFamily: FIGURE_FONT_FAMILY,
    },
  })
  const png = new Uint8Array(resvg.render().asPng())
  return { svg, png, font }
}
