/**
 * report.html in a real browser: Debian's chromium, headless, driven by puppeteer-core. A run
 * folder of two suites (a faceted line figure and a grouped bar figure) is reported by
 * writeReport; the page must load with no console error, draw every figure with vega-embed,
 * show a tooltip on hover, and leave a screenshot (printed path; CI keeps it under
 * results/ci-artifacts/). Skipped, saying so, where chromium is not installed
 * (`apt-get install -y chromium`; .ci/run installs it). Set CHROMIUM to use another binary.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import type { Logger } from '../types.ts'
import { writeReport } from './write.ts'

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
const artifacts = resolve(import.meta.dirname, '..', '..', 'results', 'ci-artifacts')

const quiet: Logger = { debug() {}, info() {}, warn() {} }

function record(suite: string, subject: string, batch: number, ms: number): TrialRecord {
  const samples = [0.9, 0.95, 1, 1.05, 1.1, 0.92, 1, 1.08].map((f) => f * ms)
  return {
    schema: RECORD_SCHEMA_VERSION,
    key: `${suite}-${subject}-${batch}`,
    configKey: `${suite}-${subject}-${batch}`,
    suite,
    profile: 'smoke',
    subject: { id: subject, name: subject, kind: 'method', params: {} },
    dataset: { id: 'd', name: 'd', version: '1', params: { model: 'mlp', batch } },
    repetition: 0,
    rootSeed: 0,
    seed: 1,
    status: 'ok',
    metrics: {
      latency_ms: { value: ms, unit: 'ms', better: 'lower', samples },
      accuracy: { value: 0.9, unit: '', better: 'higher' },
    },
    annotations: {},
    codeVersion: 'c',
    envHash: 'e',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
  }
}

/** A run folder with two suites and one figure each. */
function makeRun(dir: string): void {
  const records: TrialRecord[] = []
  for (const batch of [1, 8, 32]) {
    records.push(record('alpha', 'fast', batch, 0.1 * batch), record('alpha', 'slow', batch, batch))
    records.push(record('beta', 'x', batch, 2 * batch), record('beta', 'y', batch, 3 * batch))
  }
  writeFileSync(join(dir, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'))
  mkdirSync(join(dir, 'suites'))
  const suite = (name: string, figure: object) => ({
    name,
    description: `Suite ${name}`,
    baseline: undefined,
    tables: [{ name: 'main', metrics: ['latency_ms', 'accuracy'] }],
    figures: [figure],
  })
  writeFileSync(
    join(dir, 'suites', 'alpha.resolved.json'),
    JSON.stringify(
      suite('alpha', {
        name: 'lat',
        x: 'batch',
        y: 'latency_ms',
        color: 'subject',
        facet: 'model',
      }),
    ),
  )
  writeFileSync(
    join(dir, 'suites', 'beta.resolved.json'),
    JSON.stringify(
      suite('beta', { name: 'bars', x: 'batch', y: 'latency_ms', color: 'subject', mark: 'bar' }),
    ),
  )
}

test('report.html loads in chromium without console errors, draws every figure, shows tooltips', {
  skip: existsSync(chromium)
    ? false
    : `chromium not found at ${chromium}: apt-get install -y chromium (or set CHROMIUM)`,
  timeout: 60_000,
}, async () => {
  const { launch } = await import('puppeteer-core')
  const dir = mkdtempSync(join(tmpdir(), 'effbench-report-'))
  const browser = await launch({
    executablePath: chromium,
    headless: true,
    // Root in a container has no user namespace for chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  try {
    makeRun(dir)
    await writeReport(dir, quiet)
    const page = await browser.newPage()
    await page.setViewport({ width: 1200, height: 900 })
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`))
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' })
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 })

    // Everything came from the page itself: no CDN, no network.
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file:')),
      [],
    )
    const figures = await page.$$eval('.vega-figure', (els) =>
      els.map((e) => ({
        rendered: e.getAttribute('data-rendered'),
        marks: e.querySelectorAll('svg.marks path, svg.marks line').length,
        width: e.querySelector('svg.marks')?.getBoundingClientRect().width ?? 0,
      })),
    )
    assert.equal(figures.length, 2)
    for (const f of figures) {
      assert.equal(f.rendered, 'true')
      assert.ok(f.marks > 0, 'vega drew marks')
      assert.ok(f.width >= 400, `a readable width (${f.width} px)`)
    }
    // The contents lead to every suite section.
    const toc = await page.$$eval('nav#toc a', (as) => as.map((a) => a.getAttribute('href')))
    assert.ok(toc.includes('#suite-alpha') && toc.includes('#suite-beta'))
    const raw = await page.$eval('p.raw a', (a) => a.getAttribute('href'))
    assert.equal(raw, 'records.jsonl')

    // Hover a bar of the second figure: vega-tooltip shows its element.
    const bar = await page.$('#figure-beta-bars-view svg.marks .mark-rect path')
    assert.ok(bar, 'the bar figure has bars')
    await bar.hover() // scrolls it into view, then moves the mouse to its centre
    await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 })
    const tip = await page.$eval('#vg-tooltip-element', (e) => e.textContent ?? '')
    assert.match(tip, /latency_ms/)

    mkdirSync(artifacts, { recursive: true })
    const shot = join(artifacts, 'report-browser.png')
    await page.screenshot({ path: shot, fullPage: true })
    console.log(`screenshot: ${shot}`)
    assert.deepEqual(errors, [])
  } finally {
    await browser.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
