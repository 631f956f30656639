/**
 * The run pipeline: one function, `runPipeline()`, that the CLI's `run` and the contract test
 * both call (a child process of `--isolate` joins it at the execute phase).
 *
 *   resolve  suites -> ResolvedSuite[]: defaults, profile, overrides, grids, trial keys
 *   plan     -> the trials to consider: the `--subjects` filter (sharding and resume are the
 *            runner's, since they read the records already there)
 *   persist  -> <out>/suites/<suite>.resolved.json and <out>/env.json, before any trial runs
 *   execute  -> <out>/records.jsonl, one record per trial (runTrials)
 *   render   -> tables and figures from the records only (writeReport); skipped when interrupted
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fail } from '../messages.ts'
import type { Registries } from '../registry.ts'
import { type Artifact, type SuiteSummary, writeReport } from '../report/write.ts'
import { type ResolvedSuite, resolveSuite, type TrialSpec } from '../spec/resolve.ts'
import type { SuiteSpec } from '../spec/schema.ts'
import {
  codeVersion,
  collectEnvironment,
  type Environment,
  environmentHash,
  loadAverage,
  type Sitting,
  sourceVersion,
} from '../store/env.ts'
import type { Device, Logger, Profile } from '../types.ts'
import { type Clock, createRunEnvironment, type RunSettings } from './environment.ts'
import type { ProgressSink } from './progress.ts'
import { type RunOptions, type RunSummary, runTrials } from './runner.ts'

/** What the pipeline needs from the composition root. */
export interface PipelineApp {
  registries: Registries
  /** Project root, for package versions and the git commit. */
  root: string
  /** Suite-specific report sections contributed by methods. */
  summaries?: readonly SuiteSummary[] | undefined
}

/** One run, as a person asks for it (the CLI's `run` flags, already parsed). */
export interface RunRequest
  extends Pick<RunOptions, 'force' | 'bail' | 'shard' | 'shardCosts' | 'isolate'> {
  suites: readonly SuiteSpec[]
  /** Where each suite came from (its name, or the file it was loaded from), for error messages. */
  sources?: readonly string[]
  profile: Profile
  rootSeed: number
  /** `key=value` overrides, applied after the profile. */
  overrides?: readonly string[]
  outDir: string
  /** Only these subject ids' trials, with the keys of a full run. */
  subjects?: readonly string[] | undefined
  device: Device
  threads: number
  /** Render tables and figures after the run (unless it was interrupted). */
  render: boolean
  /** The persistent artifact cache (folder and size cap); absent, artifacts stay in memory. */
  cache?: { dir: string; maxBytes: number } | undefined
}

export interface PipelineServices {
  logger: Logger
  /** Where the progress line goes. */
  sink: ProgressSink
  clock?: Clock
  signal?: AbortSignal | undefined
  /**
   * A fixed code version and environment hash instead of the machine's (tests); the machine's
   * environment is then neither collected nor written to env.json.
   */
  identity?: Pick<RunSettings, 'codeVersion' | 'envHash'>
  /** Called once the trials are planned and persisted, before any runs. */
  onPlanned?(plan: RunPlan): void
}

export interface RunPlan {
  resolved: ResolvedSuite[]
  trials: TrialSpec[]
  outDir: string
  settings: RunSettings
}

export interface RunResult {
  plan: RunPlan
  summary: RunSummary
  /** The report files written; empty when not rendered. */
  written: Artifact[]
}

/** Resolve: every suite against the registries, under one code version and environment. */
export function resolveRun(
  app: PipelineApp,
  request: RunRequest,
  identity?: Pick<RunSettings, 'codeVersion' | 'envHash'>,
): { resolved: ResolvedSuite[]; settings: RunSettings; environment?: Environment } {
  const environment = identity ? undefined : collectEnvironment(app.root)
  const envHash = identity?.envHash ?? environmentHash(environment as Environment)
  const code = identity?.codeVersion ?? codeVersion(environment as Environment)
  const resolved = request.suites.map((spec, i) =>
    resolveSuite(spec, app.registries, {
      profile: request.profile,
      rootSeed: request.rootSeed,
      overrides: [...(request.overrides ?? [])],
      codeVersion: code,
      envHash,
      source: request.sources?.[i] ?? spec.name,
    }),
  )
  const settings: RunSettings = {
    device: request.device,
    threads: request.threads,
    codeVersion: code,
    envHash,
  }
  if (request.cache) {
    // Artifacts are addressed by their sources' content, not the commit (see sourceVersion).
    const artifactCode = identity ? identity.codeVersion : sourceVersion(app.root)
    settings.artifactStore = { ...request.cache, codeVersion: artifactCode }
  }
  return environment ? { resolved, settings, environment } : { resolved, settings }
}

/** Plan: the trials of the resolved suites, narrowed to `subjects` when given. */
export function planTrials(
  resolved: readonly ResolvedSuite[],
  subjects?: readonly string[],
): TrialSpec[] {
  const trials = resolved.flatMap((s) => s.trials)
  if (subjects === undefined) return trials
  // A subset keeps the full run's trial keys, so its records merge with (or resume) a full run.
  const only = new Set(subjects)
  const known = [...new Set(trials.map((t) => t.subject.id))]
  const unknown = [...only].filter((id) => !known.includes(id))
  if (unknown.length > 0) fail('unknownSubjects', subjects.join(','), unknown, known)
  return trials.filter((t) => only.has(t.subject.id))
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}

/**
 * Persist: the resolved suites, and env.json (every environment that wrote records, by hash, and
 * one sitting per run into this folder with the load average at its start).
 */
export function persistRun(
  outDir: string,
  resolved: readonly ResolvedSuite[],
  environment?: { env: Environment; hash: string },
): void {
  mkdirSync(join(outDir, 'suites'), { recursive: true })
  for (const s of resolved) writeJson(join(outDir, 'suites', `${s.name}.resolved.json`), s)
  if (!environment) return
  const path = join(outDir, 'env.json')
  const previous = readEnvFile(path)
  const environments = { ...previous.environments, [environment.hash]: environment.env }
  const sittings = [...previous.sittings, { loadStart: loadAverage() }]
  writeJson(path, { current: environment.hash, environments, sittings })
}

function readEnvFile(path: string): {
  environments: Record<string, Environment>
  sittings: Sitting[]
} {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8'))
    return { environments: file.environments ?? {}, sittings: file.sittings ?? [] }
  } catch {
    // Missing or unreadable: replaced (records carry their own envHash).
    return { environments: {}, sittings: [] }
  }
}

/** After execute: the load average at the end of this sitting, in env.json. */
function recordLoadEnd(outDir: string): void {
  const path = join(outDir, 'env.json')
  if (!existsSync(path)) return
  const file = JSON.parse(readFileSync(path, 'utf8'))
  const last = file.sittings?.at(-1)
  if (last) last.loadEnd = loadAverage()
  writeJson(path, file)
}

/** resolve -> plan -> persist -> execute -> render. */
export async function runPipeline(
  app: PipelineApp,
  request: RunRequest,
  services: PipelineServices,
): Promise<RunResult> {
  const { resolved, settings, environment } = resolveRun(app, request, services.identity)
  const trials = planTrials(resolved, request.subjects)
  const { outDir } = request
  persistRun(outDir, resolved, environment && { env: environment, hash: settings.envHash })
  const plan: RunPlan = { resolved, trials, outDir, settings }
  services.onPlanned?.(plan)

  const env = createRunEnvironment(settings, {
    registries: app.registries,
    logger: services.logger,
    clock: services.clock,
    signal: services.signal,
  })
  const summary = await runTrials(trials, {
    outDir,
    env,
    sink: services.sink,
    force: request.force === true,
    bail: request.bail === true,
    shard: request.shard,
    shardCosts: request.shardCosts,
    isolate: request.isolate,
  })
  if (environment) recordLoadEnd(outDir)
  const written =
    request.render && !summary.interrupted
      ? await writeReport(outDir, services.logger, outDir, app.summaries, app.registries)
      : []
  return { plan, summary, written }
}

/** One line per suite whose profile declares a budget: the time its trials took against it. */
export function budgetLines(suites: readonly ResolvedSuite[], summary: RunSummary): string[] {
  return suites.flatMap((s) => {
    const spent = summary.bySuite[s.name]
    if (s.budgetS === undefined || !spent) return []
    const seconds = spent.ms / 1000
    const verdict = seconds <= s.budgetS ? 'within' : 'over'
    const part =
      spent.trials < s.trials.length ? ` (${spent.trials} of its ${s.trials.length} trials)` : ''
    return [
      `effbench run: ${s.name} trials took ${seconds.toFixed(1)}s${part}, ${verdict} the ${s.profile} profile's budget of ${s.budgetS}s`,
    ]
  })
}
