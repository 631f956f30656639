import assert from 'node:assert/strict'
import { test } from 'node:test'
import { markdownToHtml, type ReportSection, reportHtml, vegaScripts } from './html.ts'

test('markdownToHtml() renders the tables, headings and lists effbench writes, escaped', () => {
  const md = [
    '# effbench results: s',
    '',
    '### latency',
    '',
    '| subject | latency_ms (ms)<br>median [Q1, Q3] |',
    '| --- | ---: |',
    '| a<b | **1.2** [1.1, 1.3] |',
    '',
    'Not measured:',
    '- b on d: skipped: `cc` not found',
  ].join('\n')
  assert.equal(
    markdownToHtml(md),
    [
      '<h1>effbench results: s</h1>',
      '<h3>latency</h3>',
      '<table>',
      '<tr><th>subject</th><th class="num">latency_ms (ms)<br>median [Q1, Q3]</th></tr>',
      '<tr><td>a&lt;b</td><td class="num"><strong>1.2</strong> [1.1, 1.3]</td></tr>',
      '</table>',
      '<p>Not measured:</p>',
      '<ul>',
      '<li>b on d: skipped: <code>cc</code> not found</li>',
      '</ul>',
    ].join('\n'),
  )
})

const section = (over: Partial<ReportSection> = {}): ReportSection => ({
  suite: 's',
  description: 'A <suite>',
  summary:
    '3 trials (3 ok).\n\n#### claim vs measured\n\n| claim | measured |\n| --- | ---: |\n| x2 | x1.9 |',
  tables: '### s: latency\n\n| subject | n |\n| --- | ---: |\n| a | 1 |',
  figures: [
    {
      name: 's.fig',
      svg: '<?xml version="1.0"?>\n<svg width="1"></svg>',
      spec: { width: 360, height: 220, title: '</script><b>', layer: [] },
    },
  ],
  ...over,
})

test('reportHtml() puts contents first, then per suite its summary, tables and figures', () => {
  const html = reportHtml('t', [section(), section({ suite: 'u', figures: [] })], {
    links: { 'records.jsonl': '../run/records.jsonl' },
    scripts: '<script>/* vega */</script>',
  })
  assert.match(html, /^<!DOCTYPE html>/)
  assert.match(html, /Raw data: <a href="\.\.\/run\/records\.jsonl">records\.jsonl<\/a>/)
  // The contents link every suite, its summary, tables and figures, to ids that exist.
  const toc = html.slice(html.indexOf('<nav id="toc">'), html.indexOf('</nav>'))
  const targets = [...toc.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])
  assert.deepEqual(targets, [
    'suite-s',
    'suite-s-summary',
    'suite-s-s-latency',
    'suite-s-figures',
    'suite-u',
    'suite-u-summary',
    'suite-u-s-latency',
  ])
  for (const id of targets) assert.match(html, new RegExp(`id="${id}"`))
  // Within a suite: description, summary (with the claim table), then tables, then figures.
  const s = html.slice(html.indexOf('<section class="suite" id="suite-s">'))
  const order = ['A &lt;suite&gt;', 'class="summary"', 'claim vs measured', 's: latency', 'Figures']
  const at = order.map((x) => s.indexOf(x))
  assert.ok(
    at.every((x, i) => x >= 0 && (i === 0 || x > (at[i - 1] as number))),
    `${at}`,
  )
})

test('reportHtml() embeds each spec readable and escaped, with the static SVG standing in', () => {
  const html = reportHtml('t', [section()], { scripts: '<script>/* vega */</script>' })
  assert.doesNotMatch(html, /<\?xml/)
  assert.match(
    html,
    /<div class="vega-figure" id="figure-s-fig-view" data-spec="spec-0">\n<svg width="1"><\/svg>/,
  )
  const json = /<script type="application\/json" id="spec-0">(.*?)<\/script>/.exec(html)?.[1]
  assert.ok(json, 'the spec is in the page')
  assert.doesNotMatch(json, /<\/script/i, 'a spec cannot close its script tag')
  const spec = JSON.parse(json)
  assert.equal(spec.title, '</script><b>')
  assert.equal(spec.width, 640, 'figures are drawn larger than the 360 px files')
  assert.equal(spec.config.mark.tooltip, true)
  assert.ok(html.indexOf('/* vega */') > html.indexOf('spec-0'), 'scripts after the content')
  // Without scripts the page keeps the static SVG and loads nothing.
  const bare = reportHtml('t', [section()], { scripts: null })
  assert.doesNotMatch(bare, /<script/)
  assert.match(bare, /<div class="static-figure">\n<svg width="1"><\/svg>/)
})

test('vegaScripts() inlines vega, vega-lite and vega-embed from node_modules, no CDN', () => {
  const scripts = vegaScripts()
  assert.ok(scripts, 'the three packages are installed')
  const names = [...scripts.matchAll(/<script>\/\* ([a-z-]+) \*\//g)].map((m) => m[1])
  assert.deepEqual(names, ['vega', 'vega-lite', 'vega-embed'])
  assert.doesNotMatch(scripts, /<script[^>]+src=/)
  assert.equal(scripts.match(/<\/script>/g)?.length, 3)
})
