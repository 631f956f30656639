/**
 * report.html: one self-contained page per run folder, for a reader without a Markdown viewer:
 * table.md's content as HTML, then every figure's SVG inline. Built from the same strings as
 * table.md and the SVG files, so it is as byte-stable as they are.
 */

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

const STYLE = `body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border-bottom:1px solid #ddd;padding:0.25em 0.6em;text-align:left;vertical-align:top}
th{border-bottom:2px solid #444}
.num{text-align:right;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:1em 1em 1em 0}
figcaption{font-size:0.85em;color:#555}`

/** The page: the Markdown report, then the figures under their file names. */
export function reportHtml(
  title: string,
  markdown: string,
  figures: readonly { name: string; svg: string }[],
): string {
  const figs = figures.map(
    (f) =>
      `<figure>\n${f.svg.replace(/^<\?xml[^>]*>\s*/, '')}\n<figcaption>${escapeHtml(f.name)}</figcaption>\n</figure>`,
  )
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
${markdownToHtml(markdown)}
${figs.length > 0 ? `<h2>Figures</h2>\n${figs.join('\n')}` : ''}
</body>
</html>
`
}
