/**
 * report.html: one self-contained page per run folder that a reader navigates: a table of
 * contents, then per suite its summary (description, what ran, the claim-vs-measured sections
 * methods contribute), its tables and its figures, with links to the raw records. Each figure is
 * its Vega-Lite spec embedded in the page and drawn by vega-embed, so tooltips work; the static
 * SVG stands in until then and wherever scripts do not run. vega, vega-lite and vega-embed are
 * inlined from node_modules (no CDN: the page works offline and from a CI artifact). Built from
 * the same strings as table.md and the figure files plus the installed scripts, so it is as
 * byte-stable as they are.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Inline Markdown of the generated tables: escaped text, `<br>`, **bold** and `code`. */
function inline(s: string): string {
  return escapeHtml(s)
    .replace(/&lt;br&gt;/g, '<br>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim())

/**
 * The subset of Markdown that effbench itself writes (headings, pipe tables with an alignment
 * row, `- ` lists, paragraphs); it is not a general Markdown parser.
 */
export function markdownToHtml(md: string): string {
  const lines = md.split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i] as string
    const heading = /^(#{1,6}) (.*)$/.exec(line)
    if (heading) {
      const level = (heading[1] as string).length
      out.push(`<h${level}>${inline(heading[2] as string)}</h${level}>`)
      i++
    } else if (line.startsWith('|') && /^\|[\s:|-]+\|$/.test(lines[i + 1] ?? '')) {
      const header = cells(line)
      const right = cells(lines[i + 1] as string).map((c) => c.endsWith(':'))
      const td = (tag: string, c: string, k: number) =>
        `<${tag}${right[k] ? ' class="num"' : ''}>${inline(c)}</${tag}>`
      const rows = [`<tr>${header.map((c, k) => td('th', c, k)).join('')}</tr>`]
      i += 2
      while (i < lines.length && (lines[i] as string).startsWith('|')) {
        rows.push(
          `<tr>${cells(lines[i] as string)
            .map((c, k) => td('td', c, k))
            .join('')}</tr>`,
        )
        i++
      }
      out.push(`<table>\n${rows.join('\n')}\n</table>`)
    } else if (line.startsWith('- ')) {
      const items: string[] = []
      while (i < lines.length && (lines[i] as string).startsWith('- ')) {
        items.push(`<li>${inline((lines[i] as string).slice(2))}</li>`)
        i++
      }
      out.push(`<ul>\n${items.join('\n')}\n</ul>`)
    } else if (line.trim() === '') {
      i++
    } else {
      const para: string[] = []
      while (
        i < lines.length &&
        (lines[i] as string).trim() !== '' &&
        !/^(#|\||- )/.test(lines[i] as string)
      ) {
        para.push(inline(lines[i] as string))
        i++
      }
      out.push(`<p>${para.join('\n')}</p>`)
    }
  }
  return out.join('\n')
}

const STYLE = `body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0;color:#222;line-height:1.4}
header{background:#f4f5f7;border-bottom:1px solid #ddd;padding:1em 2em}
header h1{margin:0 0 0.3em 0;font-size:1.5em}
main{max-width:80em;padding:0 2em 3em 2em}
nav#toc{font-size:0.95em}
nav#toc ul{margin:0.2em 0;padding-left:1.4em}
section.suite{border-top:2px solid #444;margin-top:2.5em}
section.suite>h2{margin-bottom:0.2em}
.summary{background:#fafbfc;border-left:4px solid #4c78a8;padding:0.3em 1em;margin:1em 0}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border-bottom:1px solid #ddd;padding:0.25em 0.6em;text-align:left;vertical-align:top}
th{border-bottom:2px solid #444}
.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.5em 0}
.vega-figure svg{max-width:100%;height:auto}
figcaption{font-size:0.85em;color:#555}
a{color:#2c5d8f}`

const escapeJsonForScript = (json: string) => json.replace(/</g, '\\u003c')

/** Lowercase words joined by '-', for element ids. */
function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/&[a-z]+;/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x'
  )
}

/** The headings of generated HTML given ids under `prefix`, and listed for the contents. */
function withHeadingIds(
  html: string,
  prefix: string,
  toc: { level: number; id: string; text: string }[],
): string {
  return html.replace(/<h([1-6])>(.*?)<\/h\1>/g, (_, level: string, text: string) => {
    let id = `${prefix}-${slug(text)}`
    while (toc.some((t) => t.id === id)) id += '-'
    toc.push({ level: Number(level), id, text })
    return `<h${level} id="${id}">${text}</h${level}>`
  })
}

/** One figure: the SVG rendered at build time and the Vega-Lite spec it came from. */
export interface ReportFigure {
  name: string
  svg: string
  /** The Vega-Lite spec; without it the figure stays the static SVG (no tooltips). */
  spec?: object
}

/** One suite's part of the page. */
export interface ReportSection {
  suite: string
  description?: string
  /** Markdown shown first: what ran, then the sections methods contribute (claim vs measured). */
  summary: string
  /** Markdown of the suite's tables (each with its own `###` heading). */
  tables: string
  figures: readonly ReportFigure[]
}

export interface ReportOptions {
  /** Links to the raw files, relative to the page, e.g. { 'records.jsonl': 'records.jsonl' }. */
  links?: Readonly<Record<string, string>>
  /** The scripts that draw the specs; default {@link vegaScripts}(). `null`: static SVG only. */
  scripts?: string | null
}

/**
 * The minified vega, vega-lite and vega-embed builds from node_modules, each in a script tag, in
 * load order; null when one of them is not installed (the page then keeps its static SVGs).
 */
export function vegaScripts(): string | null {
  const require = createRequire(import.meta.url)
  const tags: string[] = []
  for (const name of ['vega', 'vega-lite', 'vega-embed']) {
    let file: string
    try {
      // Each package's entry point lies in its build/ folder, beside the minified browser build.
      file = join(dirname(require.resolve(name)), `${name}.min.js`)
    } catch {
      return null
    }
    if (!existsSync(file)) return null
    const js = readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script')
    tags.push(`<script>/* ${name} */\n${js}\n</script>`)
  }
  return tags.join('\n')
}

/** The reader's copy of a figure spec: larger, with tooltips on every mark. */
function readableSpec(spec: object): object {
  const s = spec as Record<string, unknown>
  const config = (s.config ?? {}) as Record<string, unknown>
  const out: Record<string, unknown> = {
    ...s,
    config: { ...config, mark: { ...((config.mark as object) ?? {}), tooltip: true } },
  }
  if (typeof s.width === 'number') out.width = Math.max(s.width, 640)
  if (typeof s.height === 'number') out.height = Math.max(s.height, 360)
  // Facet panels (up to 3 side by side): each about half the single figure's size.
  const inner = s.spec as Record<string, unknown> | undefined
  if (inner && typeof inner.width === 'number' && typeof inner.height === 'number')
    out.spec = { ...inner, width: Math.max(inner.width, 320), height: Math.max(inner.height, 200) }
  return out
}

/** Draws every embedded spec over its static SVG; failures go to the console and stay visible. */
const BOOT = `<script>
(function () {
  var figures = document.querySelectorAll('.vega-figure[data-spec]')
  var pending = figures.length
  document.body.dataset.figures = String(figures.length)
  if (typeof vegaEmbed !== 'function') { document.body.dataset.rendered = 'static'; return }
  figures.forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent)
    vegaEmbed(el, spec, { renderer: 'svg', actions: false })
      .then(function () { el.dataset.rendered = 'true' })
      .catch(function (e) { el.dataset.rendered = 'error'; console.error('figure ' + el.id + ': ' + e) })
      .finally(function () { if (--pending === 0) document.body.dataset.rendered = 'true' })
  })
  if (pending === 0) document.body.dataset.rendered = 'true'
})()
</script>`

/**
 * The page: title and raw-file links, the contents, then per suite its summary, tables and
 * figures.
 */
export function reportHtml(
  title: string,
  sections: readonly ReportSection[],
  options: ReportOptions = {},
): string {
  const scripts = options.scripts === undefined ? vegaScripts() : options.scripts
  const toc: {
    suite: string
    id: string
    entries: { level: number; id: string; text: string }[]
  }[] = []
  const body: string[] = []
  let specs = 0
  for (const section of sections) {
    const id = `suite-${slug(section.suite)}`
    const entries: { level: number; id: string; text: string }[] = []
    const parts = [`<section class="suite" id="${id}">`, `<h2>${escapeHtml(section.suite)}</h2>`]
    if (section.description) parts.push(`<p class="description">${inline(section.description)}</p>`)
    entries.push({ level: 3, id: `${id}-summary`, text: 'Summary' })
    parts.push(
      `<div class="summary" id="${id}-summary">\n${withHeadingIds(markdownToHtml(section.summary), id, [])}\n</div>`,
    )
    parts.push(withHeadingIds(markdownToHtml(section.tables), id, entries))
    if (section.figures.length > 0) {
      entries.push({ level: 3, id: `${id}-figures`, text: 'Figures' })
      parts.push(`<h3 id="${id}-figures">Figures</h3>`)
      for (const f of section.figures) {
        const figId = `figure-${slug(f.name)}`
        const svg = f.svg.replace(/^<\?xml[^>]*>\s*/, '')
        if (f.spec && scripts !== null) {
          const specId = `spec-${specs++}`
          parts.push(
            `<figure id="${figId}">`,
            `<div class="vega-figure" id="${figId}-view" data-spec="${specId}">\n${svg}\n</div>`,
            `<script type="application/json" id="${specId}">${escapeJsonForScript(JSON.stringify(readableSpec(f.spec)))}</script>`,
          )
        } else parts.push(`<figure id="${figId}">`, `<div class="static-figure">\n${svg}\n</div>`)
        parts.push(`<figcaption>${escapeHtml(f.name)}</figcaption>`, '</figure>')
      }
    }
    parts.push('</section>')
    body.push(parts.join('\n'))
    toc.push({ suite: section.suite, id, entries })
  }
  const links = Object.entries(options.links ?? {})
    .map(([label, href]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`)
    .join(' · ')
  const contents = toc
    .map(
      (t) =>
        `<li><a href="#${t.id}">${escapeHtml(t.suite)}</a>${
          t.entries.length > 0
            ? `\n<ul>\n${t.entries.map((e) => `<li><a href="#${e.id}">${e.text}</a></li>`).join('\n')}\n</ul>`
            : ''
        }</li>`,
    )
    .join('\n')
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${links ? `<p class="raw">Raw data: ${links}</p>\n` : ''}<nav id="toc">
<strong>Contents</strong>
<ul>
${contents}
</ul>
</nav>
</header>
<main>
${body.join('\n')}
</main>
${specs > 0 && scripts !== null ? `${scripts}\n${BOOT}\n` : ''}</body>
</html>
`
}
