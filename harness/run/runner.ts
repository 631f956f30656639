/**
 * The runner: takes resolved trials and a results folder, and runs what is not yet recorded.
 *
 *   read records.jsonl ─ drop trials outside the shard ─ skip keys already `ok`/`skipped`
 *   ─ for each trial: execute (in-process, or in a child process with --isolate) ─ append record
 *
 * A failed trial is recorded and the run goes on (unless `bail`). An interrupted run records
 * nothing for the trial in flight, so re-running completes exactly the missing trials.
 */
import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TrialSpec } from '../spec/resolve.ts'
import { appendRecord, formatProblem, readRecords } from '../store/jsonl.ts'
import type { TrialRecord } from '../store/record.ts'
import { type RunEnvironment, type RunSettings, withProgress } from './environment.ts'
import { executeTrial, RunInterrupted, trialRecord } from './execute.ts'
import { type ProgressSink, RunProgress } from './progress.ts'
import {
  assignShards,
  inShard,
  SHARD_FILE,
  type Shard,
  type ShardManifest,
  shardSplit,
} from './shard.ts'

export const RECORDS_FILE = 'records.jsonl'

/** How to run a list of trials; what a trial sees of the run comes from `env`. */
export interface RunOptions {
  outDir: string
  env: RunEnvironment
  /** Re-run trials that already have a record. */
  force?: boolean
  /** Stop at the first failed trial. */
  bail?: boolean
  shard?: Shard | undefined
  /** Expected trial durations (ms) by config key: balance the shard by them (see assignShards). */
  shardCosts?: ReadonlyMap<string, number> | undefined
  /** Run each trial in a child process that imports `entry` (a module exporting `registries`). */
  isolate?: { entry: string } | undefined
  /** Where the progress line goes (stderr in the CLI). */
  sink: ProgressSink
}

export interface RunSummary {
  /** Trials in the suites, before sharding. */
  total: number
  inShard: number
  /** Already recorded before this run. */
  alreadyDone: number
  ok: number
  failed: number
  skipped: number
  interrupted: boolean
  durationMs: number
  /** Per suite: trials run now and their summed durations (what a profile's budget is held to). */
  bySuite: Record<string, { trials: number; ms: number }>
  recordsFile: string
}

export function trialLabel(t: TrialSpec): string {
  const params = (p: Record<string, unknown>) =>
    Object.entries(p)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')
  const dp = params(t.dataset.params)
  const sp = params(t.subject.params)
  return `${t.suite}/${t.subject.id}${sp ? `{${sp}}` : ''} on ${t.dataset.id}${dp ? `{${dp}}` : ''} #${t.repetition}`
}

export async function runTrials(
  trials: readonly TrialSpec[],
  options: RunOptions,
): Promise<RunSummary> {
  const { env: base, sink } = options
  const { logger, clock, signal } = base
  const t0 = clock.now()
  mkdirSync(options.outDir, { recursive: true })
  const recordsFile = join(options.outDir, RECORDS_FILE)
  const { records, problems } = readRecords(recordsFile)
  for (const p of problems) logger.warn(`${formatProblem(p)}; the line is ignored`)
  const done = new Set(records.filter((r) => r.status !== 'error').map((r) => r.key))

  const { shard, shardCosts } = options
  const assigned =
    shard && shardCosts && shard.count > 1
      ? assignShards(trials, shard.count, shardCosts)
      : undefined
  const mine = trials.filter((t) =>
    assigned ? assigned.get(t.key) === shard?.index : inShard(t.key, shard),
  )
  if (shard && shard.count > 1) {
    const manifest: ShardManifest = {
      ...shard,
      total: trials.length,
      split: shardSplit(assigned ? shardCosts : undefined),
    }
    writeFileSync(join(options.outDir, SHARD_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
  }
  const todo = mine.filter((t) => options.force || !done.has(t.key))
  const summary: RunSummary = {
    total: trials.length,
    inShard: mine.length,
    alreadyDone: mine.length - todo.length,
    ok: 0,
    failed: 0,
    skipped: 0,
    interrupted: false,
    durationMs: 0,
    bySuite: {},
    recordsFile,
  }
  const progress = new RunProgress(sink, mine.length, clock.now)
  for (let i = 0; i < summary.alreadyDone; i++) progress.skip()
  if (summary.alreadyDone > 0) {
    sink.write(
      `${summary.alreadyDone} of ${mine.length} trials already recorded in ${recordsFile}; skipping them${options.force ? '' : ' (--force to redo)'}\n`,
    )
  }

  const env = withProgress(base, { update: (d, t, l) => progress.update(d, t, l) })

  for (const trial of todo) {
    // A trial may compute synchronously for seconds: yield to the event loop before the next
    // one, so a Ctrl-C that arrived meanwhile is handled before another trial starts.
    await new Promise((resolve) => setImmediate(resolve))
    if (signal?.aborted) {
      summary.interrupted = true
      break
    }
    const label = trialLabel(trial)
    progress.start(label)
    let record: TrialRecord
    try {
      record = options.isolate
        ? await executeIsolated(trial, env, options.isolate.entry, progress)
        : await executeTrial(trial, env)
    } catch (e) {
      if (e instanceof RunInterrupted) {
        summary.interrupted = true
        break
      }
      throw e
    }
    appendRecord(recordsFile, record)
    const spent = (summary.bySuite[trial.suite] ??= { trials: 0, ms: 0 })
    spent.trials++
    spent.ms += record.durationMs
    progress.end({
      label,
      status: record.status,
      durationMs: record.durationMs,
      message: record.message,
    })
    if (record.status === 'ok') summary.ok++
    else if (record.status === 'skipped') summary.skipped++
    else {
      summary.failed++
      if (options.bail) break
    }
  }
  progress.close()
  summary.durationMs = clock.now() - t0
  return summary
}

/** What the parent sends a child under `--isolate`: the trial and the run's settings. */
export interface WorkerRun {
  type: 'run'
  /** The composition-root module (it exports `registries`). */
  entry: string
  trial: TrialSpec
  settings: RunSettings
}

type WorkerMessage =
  | { type: 'record'; record: TrialRecord }
  | { type: 'progress'; done: number; total: number; label?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string }
  | { type: 'interrupted' }

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

/** Run one trial in a child process; a hung or crashed child becomes an `error` record. */
function executeIsolated(
  trial: TrialSpec,
  env: RunEnvironment,
  entry: string,
  progress: RunProgress,
): Promise<TrialRecord> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const { settings, clock } = env
    const t0 = clock.now()
    const startedAt = clock.timestamp()
    let settled = false
    const fail = (message: string) => {
      if (settled) return
      settled = true
      resolve(
        trialRecord(trial, settings, {
          status: 'error',
          metrics: {},
          message,
          annotations: { threads: settings.threads, device: settings.device, isolated: true },
          startedAt,
          durationMs: clock.now() - t0,
        }),
      )
    }
    // The child enforces the trial's limit itself; this is the backstop for a child that hangs.
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL')
        fail(`timed out after ${trial.timeoutS}s (child process killed)`)
      },
      (trial.timeoutS + 10) * 1000,
    )
    const onAbort = () => child.send({ type: 'interrupt' })
    env.signal?.addEventListener('abort', onAbort)
    const cleanup = () => {
      clearTimeout(timer)
      env.signal?.removeEventListener('abort', onAbort)
    }
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') progress.update(m.done, m.total, m.label)
      else if (m.type === 'log') env.logger[m.level](m.message)
      else if (m.type === 'record') {
        settled = true
        cleanup()
        resolve({ ...m.record, annotations: { ...m.record.annotations, isolated: true } })
      } else if (m.type === 'interrupted') {
        settled = true
        cleanup()
        reject(new RunInterrupted())
      }
    })
    child.on('exit', (code, signal) => {
      cleanup()
      fail(`child process exited (${signal ?? `code ${code}`}) before recording the trial`)
    })
    const message: WorkerRun = { type: 'run', entry, trial, settings }
    child.send(message)
  })
}
