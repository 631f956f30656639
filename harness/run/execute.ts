/**
 * One trial, start to finish: load (or reuse) its dataset, build its context, run its subject
 * under the trial's time limit, and turn whatever happens into a record. A subject's error is a
 * value in the record, not a crash of the run.
 */
import { hashOf } from '../hash.ts'
import type { TrialSpec } from '../spec/resolve.ts'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { type Metrics, type TrialContext, TrialSkipped } from '../types.ts'
import type { RunEnvironment, RunSettings } from './environment.ts'
import { deriveSeed, Rng } from './rng.ts'

export class TrialTimeout extends Error {
  constructor(seconds: number) {
    super(`timed out after ${seconds}s`)
    this.name = 'TrialTimeout'
  }
}

export class RunInterrupted extends Error {
  constructor() {
    super('interrupted')
    this.name = 'RunInterrupted'
  }
}

/** The seed shared by all subjects at one dataset point and repetition. */
export function sharedSeedOf(trial: TrialSpec): number {
  return deriveSeed(
    trial.rootSeed,
    hashOf({ dataset: trial.dataset, repetition: trial.repetition }),
  )
}

function checkMetrics(metrics: Metrics): void {
  if (metrics === null || typeof metrics !== 'object')
    throw new TypeError('the subject returned no metrics object')
  for (const [name, m] of Object.entries(metrics)) {
    if (typeof m?.value !== 'number' || !Number.isFinite(m.value)) {
      throw new TypeError(`metric "${name}" is not a finite number (got ${String(m?.value)})`)
    }
    if (m.better !== 'higher' && m.better !== 'lower') {
      throw new TypeError(
        `metric "${name}" has better="${String(m.better)}"; expected "higher" or "lower"`,
      )
    }
  }
}

/** The record of a finished trial: the trial's identity plus what happened. */
export function trialRecord(
  trial: TrialSpec,
  settings: Pick<RunSettings, 'codeVersion' | 'envHash'>,
  outcome: Pick<TrialRecord, 'status' | 'metrics' | 'annotations' | 'startedAt' | 'durationMs'> & {
    message?: string
    stack?: string
  },
): TrialRecord {
  return {
    schema: RECORD_SCHEMA_VERSION,
    key: trial.key,
    configKey: trial.configKey,
    suite: trial.suite,
    profile: trial.profile,
    subject: trial.subject,
    dataset: trial.dataset,
    repetition: trial.repetition,
    rootSeed: trial.rootSeed,
    seed: trial.seed,
    ...outcome,
    codeVersion: settings.codeVersion,
    envHash: settings.envHash,
    durationMs: Math.max(0, outcome.durationMs),
  }
}

/**
 * Run one trial and return its record. Throws only `RunInterrupted` (the run was stopped; the
 * trial is not recorded, so a re-run does it again).
 */
export async function executeTrial(trial: TrialSpec, env: RunEnvironment): Promise<TrialRecord> {
  const { settings, clock } = env
  const startedAt = clock.timestamp()
  const t0 = clock.now()
  const annotations: Record<string, string | number | boolean> = {
    threads: settings.threads,
    device: settings.device,
  }
  const controller = new AbortController()
  const onInterrupt = () => controller.abort(new RunInterrupted())
  env.signal?.addEventListener('abort', onInterrupt)
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TrialTimeout(trial.timeoutS)
      controller.abort(err)
      reject(err)
    }, trial.timeoutS * 1000)
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason))
  })
  limit.catch(() => {})

  const base = {
    profile: trial.profile,
    device: settings.device,
    threads: settings.threads,
    logger: env.logger,
    progress: env.progress,
    cache: env.cache,
    signal: controller.signal,
    now: clock.now,
    annotate: (key: string, value: string | number | boolean) => {
      annotations[key] = value
    },
  }
  const sharedSeed = sharedSeedOf(trial)
  const finish = (
    status: TrialRecord['status'],
    metrics: Metrics,
    extra: { message?: string; stack?: string } = {},
  ): TrialRecord =>
    trialRecord(trial, settings, {
      status,
      metrics,
      ...extra,
      annotations,
      startedAt,
      durationMs: clock.now() - t0,
    })

  try {
    const subject = env.registries.subjects.get(trial.subject.name)
    const datasetDef = env.registries.datasets.get(trial.dataset.name)
    const datasetCtx: TrialContext = {
      ...base,
      seed: sharedSeed,
      sharedSeed,
      rng: new Rng(sharedSeed),
    }
    const data = await Promise.race([
      env.datasets.get(hashOf({ dataset: trial.dataset, sharedSeed }), () =>
        datasetDef.load(datasetCtx, trial.dataset.params),
      ),
      limit,
    ])
    const ctx: TrialContext = { ...base, seed: trial.seed, sharedSeed, rng: new Rng(trial.seed) }
    const metrics = await Promise.race([
      subject.run(ctx, {
        params: trial.subject.params,
        dataset: { name: trial.dataset.name, data },
      }),
      limit,
    ])
    checkMetrics(metrics)
    return finish('ok', metrics)
  } catch (e) {
    if (e instanceof RunInterrupted || controller.signal.reason instanceof RunInterrupted)
      throw new RunInterrupted()
    if (e instanceof TrialSkipped) return finish('skipped', {}, { message: e.message })
    const err = e instanceof Error ? e : new Error(String(e))
    return finish('error', {}, { message: err.message, ...(err.stack ? { stack: err.stack } : {}) })
  } finally {
    clearTimeout(timer)
    env.signal?.removeEventListener('abort', onInterrupt)
  }
}
