import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { buildFigureSpec, defaultFigureFont, type FigureRow, renderFigure } from './figure.ts'

// The .golden suffix keeps Biome from linting vega's SVG output as markup.
const GOLDEN = new URL('./__golden__/figure-speedup.svg.golden', import.meta.url)
/** Set EFFBENCH_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change. */
const UPDATE = process.env['EFFBENCH_UPDATE_GOLDEN'] === '1'

/** Fixed rows: two subjects over a sparsity grid, each with a CI. */
function speedupRows(): FigureRow[] {
  const rows: FigureRow[] = []
  for (const subject of ['sparse-engine', 'csr']) {
    for (const sparsity of [0.5, 0.7, 0.9, 0.95]) {
      const speedup = subject === 'csr' ? 1 + sparsity : 1 + 4 * sparsity * sparsity
      rows.push({
        subject,
        dataset: sparsity > 0.8 ? 'mnist' : 'digits',
        sparsity,
        speedup,
        speedup_lo: Math.round(speedup * 90) / 100,
        speedup_hi: Math.round(speedup * 110) / 100,
      })
    }
  }
  return rows
}

const FIGURE = { name: 'speedup', title: 'Speedup vs sparsity', x: 'sparsity', y: 'speedup' }

function layers(spec: unknown): { mark: { type: string } }[] {
  const s = spec as { layer?: unknown; spec?: { layer?: unknown } }
  return (s.layer ?? s.spec?.layer) as { mark: { type: string } }[]
}

test('buildFigureSpec() adds an error band to lines and error bars to points and bars', () => {
  const rows = speedupRows()
  const line = buildFigureSpec({ ...FIGURE, color: 'subject' }, rows)
  assert.deepEqual(
    layers(line).map((l) => l.mark.type),
    ['line', 'errorband'],
  )
  for (const mark of ['point', 'bar'] as const) {
    const spec = buildFigureSpec({ ...FIGURE, mark, color: 'subject' }, rows)
    assert.deepEqual(
      layers(spec).map((l) => l.mark.type),
      [mark, 'errorbar'],
    )
  }
  const noCi = rows.map(({ speedup_lo: _lo, speedup_hi: _hi, ...rest }) => rest)
  assert.deepEqual(
    layers(buildFigureSpec(FIGURE, noCi)).map((l) => l.mark.type),
    ['line'],
  )
})

test('buildFigureSpec() pins the size and font and honours log axes and facets', () => {
  const spec = buildFigureSpec({ ...FIGURE, logY: true, facet: 'dataset' }, speedupRows())
  const s = spec as unknown as {
    config: { font: string }
    facet: { field: string }
    spec: { width: number; height: number; layer: { encoding: { y: { scale?: unknown } } }[] }
  }
  assert.equal(s.config.font, 'DejaVu Sans')
  assert.equal(s.facet.field, 'dataset')
  assert.ok(s.spec.width > 0 && s.spec.height > 0)
  assert.deepEqual(s.spec.layer[0]?.encoding.y.scale, { type: 'log' })
})

test('buildFigureSpec() escapes dotted column names and rejects unknown or text y columns', () => {
  const rows = [{ 'latency.p50': 3, n: 1 }]
  const spec = buildFigureSpec({ name: 'f', x: 'n', y: 'latency.p50' }, rows) as unknown as {
    layer: { encoding: { y: { field: string; title: string } } }[]
  }
  assert.equal(spec.layer[0]?.encoding.y.field, 'latency\\.p50')
  assert.equal(spec.layer[0]?.encoding.y.title, 'latency.p50')
  assert.throws(
    () => buildFigureSpec({ name: 'f', x: 'n', y: 'missing' }, rows),
    /Cannot build figure "f": no row has column "missing"/,
  )
  assert.throws(() => buildFigureSpec({ name: 'f', x: 'n', y: 's' }, [{ n: 1, s: 'x' }]), TypeError)
})

test('renderFigure() matches the golden SVG for fixed rows', async () => {
  const { svg } = await renderFigure(
    buildFigureSpec({ ...FIGURE, color: 'subject' }, speedupRows()),
  )
  if (UPDATE) writeFileSync(GOLDEN, svg)
  assert.equal(svg, readFileSync(GOLDEN, 'utf8'))
})

test('renderFigure() re-renders byte-identical SVG and PNG', async () => {
  for (const mark of ['line', 'point', 'bar'] as const) {
    const spec = buildFigureSpec(
      { ...FIGURE, mark, color: 'subject', facet: 'dataset' },
      speedupRows(),
    )
    const one = await renderFigure(spec)
    const two = await renderFigure(spec)
    assert.equal(one.svg, two.svg)
    assert.deepEqual(one.png, two.png)
    assert.deepEqual([...one.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  }
})

test('renderFigure() draws PNG text with the pinned font when it is present', async (t) => {
  const font = defaultFigureFont()
  if (font === null) {
    t.skip('no DejaVu Sans at the fixed paths: PNG text is not drawn on this machine')
    return
  }
  const spec = buildFigureSpec(FIGURE, speedupRows())
  const withText = await renderFigure(spec)
  const withoutText = await renderFigure(spec, { fontFiles: [] })
  assert.equal(withText.font, font)
  assert.equal(withoutText.font, null)
  assert.equal(withText.svg, withoutText.svg)
  assert.notDeepEqual(withText.png, withoutText.png)
})
