/**
 * Fake datasets, subjects and suites for testing the harness alone: no tfjs, no onnxruntime.
 * `fake-cli.ts` wraps them in a CLI so tests can run (and interrupt) a real process.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import type { CliApp } from '../cli/index.ts'
import { createRegistries } from '../registry.ts'
import { defineSuite } from '../spec/schema.ts'
import { type DatasetDef, metric, type SubjectDef, TrialSkipped } from '../types.ts'

export const numbers: DatasetDef<{ size: number }, number[]> = {
  name: 'numbers',
  description: 'Seeded uniform numbers',
  version: '1',
  params: z.strictObject({ size: z.number().int().min(1).default(8) }),
  async load(ctx, { size }) {
    return Array.from({ length: size }, () => ctx.rng.next())
  },
}

/** Returns the mean of its data scaled by `scale`, after sleeping `sleepMs`; fails when asked. */
export const scaler: SubjectDef<
  { scale: number; sleepMs: number; busyMs?: number | undefined; fail: boolean; skip: boolean },
  number[]
> = {
  name: 'scaler',
  kind: 'method',
  description: 'Scales the mean of its data (test subject)',
  params: z.strictObject({
    scale: z.number().positive().default(1),
    sleepMs: z.number().min(0).default(0),
    /** Compute synchronously this long (blocks the event loop, like a real kernel). */
    busyMs: z.number().min(0).optional(),
    fail: z.boolean().default(false),
    skip: z.boolean().default(false),
  }),
  async run(ctx, { params, dataset }) {
    if (params.sleepMs > 0)
      await sleep(params.sleepMs, undefined, { signal: ctx.signal }).catch(() => {})
    const until = ctx.now() + (params.busyMs ?? 0)
    while (ctx.now() < until) {
      // busy: no await, so nothing else on the event loop runs meanwhile
    }
    if (params.fail) throw new Error('asked to fail')
    if (params.skip) throw new TrialSkipped('asked to skip')
    const m = dataset.data.reduce((a, b) => a + b, 0) / dataset.data.length
    const noise = ctx.rng.next() * 0.01
    ctx.progress.update(1, 1, 'done')
    return {
      score: metric(m * params.scale + noise, '', 'higher'),
      latency_ms: metric(params.scale, 'ms', 'lower', [
        params.scale,
        params.scale * 1.1,
        params.scale * 0.9,
      ]),
    }
  },
}

export const reference: SubjectDef<{ sleepMs: number }, number[]> = {
  name: 'reference',
  kind: 'baseline',
  description: 'The mean of its data (test baseline)',
  params: z.strictObject({ sleepMs: z.number().min(0).default(0) }),
  async run(ctx, { params, dataset }) {
    if (params.sleepMs > 0)
      await sleep(params.sleepMs, undefined, { signal: ctx.signal }).catch(() => {})
    const m = dataset.data.reduce((a, b) => a + b, 0) / dataset.data.length
    return {
      score: metric(m, '', 'higher'),
      latency_ms: metric(2, 'ms', 'lower', [2, 2.2, 1.8]),
    }
  },
}

/** Never finishes on its own (for timeouts). */
export const hang: SubjectDef<Record<string, never>, number[]> = {
  name: 'hang',
  kind: 'method',
  description: 'Never returns (test subject)',
  params: z.strictObject({}),
  run: () => new Promise(() => {}),
}

export const fakeRegistries = () =>
  createRegistries({
    datasets: [numbers],
    models: [],
    methods: [scaler, hang],
    baselines: [reference],
  })

export const fakeSuite = defineSuite({
  name: 'fake',
  description: 'A suite of fake subjects',
  datasets: [{ name: 'numbers', grid: { size: [4, 8] } }],
  subjects: [{ name: 'reference' }, { name: 'scaler', grid: { scale: [0.5, 2] } }],
  baseline: 'reference',
  seeds: 3,
  timeoutS: 30,
  profiles: { smoke: { seeds: 1, budgetS: 60 } },
  tables: [{ name: 'main', metrics: ['score', 'latency_ms'] }],
  figures: [{ name: 'score', x: 'size', y: 'score', color: 'subject', mark: 'point' }],
})

export function fakeApp(root: string, entry: string): CliApp {
  return {
    registries: fakeRegistries(),
    suites: [fakeSuite],
    groups: { default: ['fake'] },
    root,
    entry,
  }
}
