import assert from 'node:assert/strict'
import { test } from 'node:test'
import { markdownToHtml, reportHtml } from './html.ts'

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

test('reportHtml() is one page with the figures inline and no XML prologue inside it', () => {
  const html = reportHtml('t', '# t', [
    { name: 's.fig', svg: '<?xml version="1.0"?>\n<svg width="1"></svg>' },
  ])
  assert.match(html, /^<!DOCTYPE html>/)
  assert.match(html, /<figure>\n<svg width="1"><\/svg>\n<figcaption>s\.fig<\/figcaption>/)
  assert.doesNotMatch(html, /<\?xml/)
})
