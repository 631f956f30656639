/**
 * The command line: `effbench run | report | merge | list | doctor`.
 *
 * Exit codes: 0 ok, 1 some trial failed (or was interrupted), 2 bad input. Errors print one line,
 * `error[<code>]: <message>`; the stack only with --verbose.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { EffbenchError, ErrorCode, quoteList } from './errors.ts'
import type { Registries } from './registry.ts'
import { gateToMarkdown } from './report/compare-md.ts'
import { buildPaper } from './report/paper.ts'
import { formatNumber } from './report/table.ts'
import { readSavedSuites, type SuiteSummary, writeReport } from './report/write.ts'
import { RECORDS_FILE, type RunSummary, runTrials } from './run/runner.ts'
import { parseShard, shardFromEnv } from './run/shard.ts'
import { type ResolvedSuite, resolveSuite } from './spec/resolve.ts'
import { describeZodError, type SuiteSpec } from './spec/schema.ts'
import { latestPerTrial } from './stats/aggregate.ts'
import { type Acknowledgement, regressionGate, relativeToBaseline } from './stats/regression.ts'
import { codeVersion, collectEnvironment, type Environment, environmentHash } from './store/env.ts'
import { formatProblem, readRecords } from './store/jsonl.ts'
import { mergeRuns } from './store/merge.ts'
import type { TrialRecord } from './store/record.ts'
import type { Device, Logger, Profile } from './types.ts'

export interface CliApp {
  registries: Registries
  suites: readonly SuiteSpec[]
  /** Named groupings of suites (`default`, `smoke`). */
  groups: Readonly<Record<string, readonly string[]>>
  /** Project root, for package versions and the git commit. */
  root: string
  /** The composition-root module, imported by child processes under --isolate. */
  entry: string
  /** Suite-specific report sections contributed by methods. */
  summaries?: readonly SuiteSummary[]
}

export interface CliIo {
  stdout: { write(s: string): void; isTTY?: boolean; columns?: number }
  stderr: { write(s: string): void; isTTY?: boolean; columns?: number }
}

const HELP: Record<string, string> = {
  main: `effbench: a benchmark and research harness for efficient deep learning

Usage: effbench <command> [options]

Commands:
  run <suite|group|file.suite.ts...>   run the trials not yet recorded, then write the report
  report <run-dir>                     re-render tables and figures from stored records
  merge <out-dir> <run-dir...>         union the records of shards or machines
  compare <baseline-run> <candidate-run>  the regression gate (exit 1 on a regression)
  paper <run-dir...> [--out <dir>]     every table and figure of the runs, plus manifest.json
  history <run-dir...>                 per-metric history across runs, by environment (DuckDB)
  query "<sql>" <run-dir...>           SQL over the runs' table "measurements"
  list                                 suites, groups, methods, baselines, datasets, models
  doctor                               backends, threads, compiler and CPU flags on this machine

Run 'effbench <command> --help' for a command's options.`,
  run: `Usage: effbench run <suite|group|file.suite.ts...> [options] [key=value...]

Options:
  --profile <smoke|default|paper>  sizes and seeds to use (default: default)
  --seed <n>                       root seed (default: 0)
  --out <dir>                      results folder (default: results/<name>-<profile>)
  --shard <i/n>                    run shard i of n (also SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX)
  --costs <run-dir>                balance shards by the trial durations recorded in an earlier run
  --subjects <id,...>              run only these subjects' trials (same keys as in a full run)
  --force                          re-run trials that already have a record
  --bail                           stop at the first failed trial
  --isolate                        run each trial in its own child process (hard timeouts)
  --device <cpu|gpu>               gpu stops with an error where no GPU build is installed
  --threads <n>                    threads per trial (default: 1)
  --no-report                      do not render tables after the run
  --verbose                        debug logs and stacks

Overrides (after the profile): seeds=5  timeoutS=60  subjects.<id>.params.<key>=<json>
  subjects.<id>.grid.<key>=[1,2]  datasets.<id>.params.<key>=<json>`,
  report: `Usage: effbench report <run-dir>

Writes table.md, table.csv and the declared figures and tables under <run-dir> from its records.`,
  merge: `Usage: effbench merge <out-dir> <run-dir...> [--force]

Unions records by key (duplicates dropped). Refuses records from different environments
unless --force. Records already in <out-dir> are kept as they are.`,
  compare: `Usage: effbench compare <baseline-run> <candidate-run> [options]

Flags a metric as regressed only when the change is statistically significant (timed metrics:
Mann-Whitney U over raw samples; others: paired t over seeds) and larger than its floor.

Options:
  --alpha <p>             significance level (default 0.01)
  --floor <metric=frac>   relative floor for a metric, e.g. latency_ms=0.1 (repeatable)
  --history <run-dir>     earlier runs of the same environment; floors from their A/A noise (repeatable)
  --relative              timed metrics relative to the suite's baseline subject, trial by trial
                          (cancels machine drift; the baselines themselves are not gated)
  --ack <file>            acknowledged regressions (default: regressions.ack.json in the project, if any)
  --out <file>            also write the Markdown summary there

Exit codes: 0 no regression, 1 regression, 2 bad input.`,
  paper: `Usage: effbench paper <run-dir...> [--out <dir>]

Re-renders every declared table and figure of the runs from their records only (never measures)
into <dir>/<run>/ (default: paper/), with manifest.json naming the record keys, code versions and
environments behind each file. Two builds from the same records are byte-identical.`,
  history: `Usage: effbench history <run-dir...> [--metric <name>] [--suite <name>]

Loads the runs (oldest first) into DuckDB and prints, per suite, subject, dataset point, metric
and environment, the median of each run.`,
  query: `Usage: effbench query "<sql>" <run-dir...>

Runs SQL over the table "measurements" (one row per record and metric: run, run_order, key,
config_key, suite, subject, subject_params, dataset, dataset_params, repetition, seed, status,
metric, value, unit, better, n_samples, sample_median, code_version, env_hash, started_at,
duration_ms) and prints the rows as JSON lines.`,
  list: 'Usage: effbench list\n\nLists suites, groups, methods, baselines, datasets and models.',
  doctor:
    'Usage: effbench doctor\n\nShows which compute backends load here, thread counts, a C compiler and CPU flags.',
}

function parse<
  T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>,
>(command: string, args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean' }, verbose: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? ''
    const flag = /'(-[^']+)'/.exec(msg)?.[1]
    throw new EffbenchError(
      ErrorCode.usage,
      flag
        ? `Unknown option "${flag}" for "effbench ${command}"; see effbench ${command} --help`
        : `Cannot parse "effbench ${command}" arguments: ${msg}`,
    )
  }
}

function showHelp(io: CliIo, command: string): number {
  io.stdout.write(`${HELP[command]}\n`)
  return 0
}

function makeLogger(io: CliIo, verbose: boolean): Logger {
  return {
    info: (m) => io.stderr.write(`${m}\n`),
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) io.stderr.write(`debug: ${m}\n`)
    },
  }
}

function parseProfile(v: string | undefined): Profile {
  const p = v ?? 'default'
  if (p !== 'smoke' && p !== 'default' && p !== 'paper') {
    throw new EffbenchError(
      ErrorCode.usage,
      `Unknown profile "${p}"; valid profiles: "smoke", "default", "paper"`,
    )
  }
  return p
}

function parseInteger(flag: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < min)
    throw new EffbenchError(
      ErrorCode.usage,
      `Cannot use --${flag} "${v}": expected an integer >= ${min}`,
    )
  return n
}

/** Suites named on the command line: registered names, group names, or .suite.ts files. */
async function loadSuites(app: CliApp, names: string[]): Promise<SuiteSpec[]> {
  const byName = new Map(app.suites.map((s) => [s.name, s]))
  const out: SuiteSpec[] = []
  const add = (s: SuiteSpec) => {
    if (!out.includes(s)) out.push(s)
  }
  for (const name of names) {
    if (name.endsWith('.ts') || name.endsWith('.js') || name.includes('/')) {
      const path = isAbsolute(name) ? name : resolve(name)
      if (!existsSync(path))
        throw new EffbenchError(ErrorCode.suite, `Cannot load suite "${name}": no such file`)
      const mod = (await import(pathToFileURL(path).href)) as { default?: SuiteSpec }
      if (!mod.default)
        throw new EffbenchError(
          ErrorCode.suite,
          `Cannot load suite "${name}": the module has no default export`,
        )
      add(mod.default)
    } else if (app.groups[name]) {
      for (const member of app.groups[name] ?? []) {
        const s = byName.get(member)
        if (!s)
          throw new EffbenchError(
            ErrorCode.suite,
            `Cannot load group "${name}": it names suite "${member}", which is not registered`,
          )
        add(s)
      }
    } else {
      const s = byName.get(name)
      if (!s) {
        throw new EffbenchError(
          ErrorCode.unknownName,
          `Unknown suite "${name}"; valid suites: ${quoteList([...byName.keys()])}; groups: ${quoteList(Object.keys(app.groups))}; or a path to a .suite.ts file`,
        )
      }
      add(s)
    }
  }
  return out
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}

/** env.json keeps every environment that wrote records into the folder, keyed by hash. */
function saveEnvironment(outDir: string, env: Environment, envHash: string): void {
  const path = join(outDir, 'env.json')
  let environments: Record<string, Environment> = {}
  if (existsSync(path)) {
    try {
      environments = JSON.parse(readFileSync(path, 'utf8')).environments ?? {}
    } catch {
      // An unreadable env.json is replaced: records carry their own envHash.
    }
  }
  environments[envHash] = env
  writeJson(path, { current: envHash, environments })
}

/** `--device gpu` stops here, before any trial, where no GPU build of a backend is installed. */
async function requireGpu(): Promise<void> {
  const { describeBackends } = await import('./backends/tfjs.ts')
  const { ortCudaAvailable } = await import('./backends/onnx.ts')
  const tfGpu = (await describeBackends()).find((p) => p.name === 'tensorflow-gpu')
  const ortCuda = ortCudaAvailable()
  if (tfGpu?.loads || ortCuda) return
  throw new EffbenchError(
    ErrorCode.device,
    `Cannot run on device "gpu": no GPU build is installed here (@tensorflow/tfjs-node-gpu: ${tfGpu?.detail ?? 'absent'}; onnxruntime-node has no CUDA provider libraries); use --device cpu`,
  )
}

async function cmdRun(app: CliApp, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', args, {
    profile: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    shard: { type: 'string' },
    costs: { type: 'string' },
    subjects: { type: 'string' },
    force: { type: 'boolean' },
    bail: { type: 'boolean' },
    isolate: { type: 'boolean' },
    device: { type: 'string' },
    threads: { type: 'string' },
    'no-report': { type: 'boolean' },
  })
  if (values.help) return showHelp(io, 'run')
  const names = positionals.filter((p) => !p.includes('=') || p.endsWith('.ts'))
  const overrides = positionals.filter((p) => p.includes('=') && !p.endsWith('.ts'))
  if (names.length === 0)
    throw new EffbenchError(
      ErrorCode.usage,
      'Cannot run: name at least one suite or group (effbench list shows them)',
    )
  const profile = parseProfile(values.profile)
  const rootSeed = parseInteger('seed', values.seed, 0, 0)
  const threads = parseInteger('threads', values.threads, 1, 1)
  const device = (values.device ?? 'cpu') as Device
  if (device !== 'cpu' && device !== 'gpu')
    throw new EffbenchError(
      ErrorCode.usage,
      `Unknown device "${device}"; valid devices: "cpu", "gpu"`,
    )
  if (device === 'gpu') await requireGpu()
  const shard = values.shard ? parseShard(values.shard) : shardFromEnv(process.env)
  const logger = makeLogger(io, values.verbose === true)
  // Durations by config key from an earlier run; they stay valid across commits.
  const shardCosts = values.costs
    ? new Map(
        readRun(values.costs, logger)
          .filter((r) => r.status === 'ok')
          .map((r) => [r.configKey, r.durationMs]),
      )
    : undefined

  const specs = await loadSuites(app, names)
  const env = collectEnvironment(app.root)
  const envHash = environmentHash(env)
  const code = codeVersion(env)
  const resolved: ResolvedSuite[] = specs.map((spec) =>
    resolveSuite(spec, app.registries, {
      profile,
      rootSeed,
      overrides,
      codeVersion: code,
      envHash,
      source: spec.name,
    }),
  )
  const runName =
    names.length === 1
      ? basename(names[0] as string).replace(/\.suite\.[tj]s$/, '')
      : resolved.map((s) => s.name).join('+')
  const outDir = values.out ?? join('results', `${runName}-${profile}`)
  mkdirSync(join(outDir, 'suites'), { recursive: true })
  for (const s of resolved) writeJson(join(outDir, 'suites', `${s.name}.resolved.json`), s)
  saveEnvironment(outDir, env, envHash)

  let trials = resolved.flatMap((s) => s.trials)
  if (values.subjects !== undefined) {
    // A subset keeps the full run's trial keys, so its records merge with (or resume) a full run.
    const only = new Set(values.subjects.split(',').map((x) => x.trim()))
    const known = [...new Set(trials.map((t) => t.subject.id))]
    const unknown = [...only].filter((id) => !known.includes(id))
    if (unknown.length > 0)
      throw new EffbenchError(
        ErrorCode.usage,
        `Cannot run --subjects ${values.subjects}: ${unknown.map((u) => `"${u}"`).join(', ')} not in the suites; valid subjects: ${known.map((k) => `"${k}"`).join(', ')}`,
      )
    trials = trials.filter((t) => only.has(t.subject.id))
  }
  io.stderr.write(
    `effbench run: ${resolved.map((s) => s.name).join(', ')} (profile ${profile}, seed ${rootSeed}, ${trials.length} trials${shard ? `, shard ${shard.index}/${shard.count}${shardCosts ? ` balanced by ${values.costs}` : ''}` : ''}) -> ${outDir}\n`,
  )
  const interrupt = new AbortController()
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130)
    io.stderr.write(
      '\ninterrupted: stopping after the current trial is abandoned (Ctrl-C again to quit now)\n',
    )
    interrupt.abort()
  }
  process.on('SIGINT', onSigint)
  let summary: Awaited<ReturnType<typeof runTrials>>
  try {
    summary = await runTrials(trials, {
      outDir,
      registries: app.registries,
      force: values.force === true,
      bail: values.bail === true,
      shard,
      shardCosts,
      isolate: values.isolate ? { entry: app.entry } : undefined,
      device,
      threads,
      logger,
      sink: io.stderr,
      now: () => performance.now(),
      timestamp: () => new Date().toISOString(),
      codeVersion: code,
      envHash,
      signal: interrupt.signal,
    })
  } finally {
    process.off('SIGINT', onSigint)
  }
  const ran = summary.ok + summary.failed + summary.skipped
  io.stderr.write(
    `effbench run: ${ran} trials run (${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped), ${summary.alreadyDone} already recorded, in ${(summary.durationMs / 1000).toFixed(1)}s\n`,
  )
  for (const line of budgetLines(resolved, summary)) io.stderr.write(`${line}\n`)
  if (summary.interrupted) {
    io.stderr.write(
      `effbench run: interrupted; ${summary.inShard - summary.alreadyDone - ran} trials not run; run the same command again to complete them\n`,
    )
    return 130
  }
  if (!values['no-report']) {
    const written = await writeReport(outDir, logger, outDir, app.summaries)
    io.stdout.write(`${written.map((a) => `wrote ${a.path}`).join('\n')}\n`)
  }
  return summary.failed > 0 ? 1 : 0
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

async function cmdReport(app: CliApp, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('report', args, {})
  if (values.help) return showHelp(io, 'report')
  const dir = positionals[0]
  if (!dir || positionals.length > 1)
    throw new EffbenchError(
      ErrorCode.usage,
      'Cannot report: name exactly one run folder, e.g. effbench report results/default-default',
    )
  if (!existsSync(join(dir, RECORDS_FILE)))
    throw new EffbenchError(ErrorCode.records, `Cannot report "${dir}": it has no ${RECORDS_FILE}`)
  const written = await writeReport(
    dir,
    makeLogger(io, values.verbose === true),
    dir,
    app.summaries,
  )
  io.stdout.write(`${written.map((a) => `wrote ${a.path}`).join('\n')}\n`)
  return 0
}

async function cmdMerge(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('merge', args, { force: { type: 'boolean' } })
  if (values.help) return showHelp(io, 'merge')
  const [out, ...inputs] = positionals
  if (!out || inputs.length === 0)
    throw new EffbenchError(ErrorCode.usage, 'Cannot merge: expected <out-dir> <run-dir...>')
  const result = mergeRuns(out, inputs, {
    force: values.force === true,
    logger: makeLogger(io, values.verbose === true),
  })
  io.stdout.write(
    `merged ${result.added} new records into ${join(out, RECORDS_FILE)} (${result.duplicates} duplicates dropped, ${result.kept} already there)\n`,
  )
  return 0
}

function readRun(dir: string, logger: Logger): TrialRecord[] {
  const file = join(dir, RECORDS_FILE)
  if (!existsSync(file))
    throw new EffbenchError(
      ErrorCode.records,
      `Cannot read run "${dir}": it has no ${RECORDS_FILE}`,
    )
  const { records, problems } = readRecords(file)
  for (const p of problems) logger.warn(`${formatProblem(p)}; the line is ignored`)
  return latestPerTrial(records)
}

async function cmdCompare(app: CliApp, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('compare', args, {
    alpha: { type: 'string' },
    floor: { type: 'string', multiple: true },
    history: { type: 'string', multiple: true },
    ack: { type: 'string' },
    out: { type: 'string' },
    relative: { type: 'boolean' },
  })
  if (values.help) return showHelp(io, 'compare')
  const [baseDir, candDir] = positionals
  if (!baseDir || !candDir || positionals.length > 2) {
    throw new EffbenchError(
      ErrorCode.usage,
      'Cannot compare: expected <baseline-run> <candidate-run>',
    )
  }
  const logger = makeLogger(io, values.verbose === true)
  const alpha = values.alpha === undefined ? 0.01 : Number(values.alpha)
  if (!(alpha > 0 && alpha < 1))
    throw new EffbenchError(
      ErrorCode.usage,
      `Cannot use --alpha "${values.alpha}": expected a number in (0, 1)`,
    )
  const floors: Record<string, number> = {}
  for (const f of (values.floor as string[] | undefined) ?? []) {
    const [metric, value] = f.split('=')
    const v = Number(value)
    if (!metric || !(v >= 0))
      throw new EffbenchError(
        ErrorCode.usage,
        `Cannot use --floor "${f}": expected metric=fraction, e.g. latency_ms=0.05`,
      )
    floors[metric] = v
  }
  const ackPath = values.ack ?? join(app.root, 'regressions.ack.json')
  let acknowledged: Acknowledgement[] = []
  if (existsSync(ackPath)) {
    try {
      acknowledged = AckFileSchema.parse(JSON.parse(readFileSync(ackPath, 'utf8')))
    } catch (e) {
      throw new EffbenchError(
        ErrorCode.usage,
        `Cannot read acknowledged regressions "${ackPath}": ${e instanceof z.ZodError ? describeZodError(e) : (e as Error).message}`,
      )
    }
  } else if (values.ack) {
    throw new EffbenchError(
      ErrorCode.usage,
      `Cannot read acknowledged regressions "${ackPath}": no such file`,
    )
  }
  // Relative mode divides each subject's timings by its suite baseline's, trial by trial.
  const baselines: Record<string, string> = {}
  for (const s of [...readSavedSuites(baseDir), ...readSavedSuites(candDir)])
    if (s.baseline) baselines[s.name] = s.baseline
  const load = (dir: string) => {
    const records = readRun(dir, logger)
    return values.relative ? relativeToBaseline(records, baselines) : records
  }
  const result = regressionGate(load(baseDir), load(candDir), {
    alpha,
    floors,
    acknowledged,
    history: ((values.history as string[] | undefined) ?? []).map(load),
  })
  const md = gateToMarkdown(result, { baseline: baseDir, candidate: candDir })
  if (values.out) writeFileSync(values.out, md)
  io.stdout.write(md)
  return result.regressions > 0 ? 1 : 0
}

const AckFileSchema = z.array(
  z.strictObject({
    suite: z.string().optional(),
    subject: z.string().optional(),
    metric: z.string(),
    reason: z.string().min(1),
  }),
)

async function cmdPaper(app: CliApp, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('paper', args, { out: { type: 'string' } })
  if (values.help) return showHelp(io, 'paper')
  if (positionals.length === 0)
    throw new EffbenchError(ErrorCode.usage, 'Cannot build the paper: name at least one run folder')
  const out = values.out ?? 'paper'
  const manifest = await buildPaper(
    positionals,
    out,
    makeLogger(io, values.verbose === true),
    app.summaries,
  )
  const files = manifest.runs.reduce((n, r) => n + r.artifacts.length, 0)
  io.stdout.write(
    `wrote ${files} files for ${manifest.runs.length} runs and ${join(out, 'manifest.json')}\n`,
  )
  return 0
}

async function cmdHistory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('history', args, {
    metric: { type: 'string' },
    suite: { type: 'string' },
  })
  if (values.help) return showHelp(io, 'history')
  if (positionals.length === 0)
    throw new EffbenchError(ErrorCode.usage, 'Cannot show history: name at least one run folder')
  const { openHistory, HISTORY_SQL } = await import('./store/history.ts')
  const history = await openHistory(positionals)
  try {
    const rows = (await history.query(HISTORY_SQL)).filter(
      (r) =>
        (values.metric === undefined || r.metric === values.metric) &&
        (values.suite === undefined || r.suite === values.suite),
    )
    const cols = [
      'suite',
      'subject',
      'dataset_params',
      'subject_params',
      'metric',
      'env_hash',
      'run',
      'n',
      'median',
    ]
    const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => ' --- ').join('|')}|`]
    for (const r of rows)
      lines.push(
        `| ${cols.map((c) => (typeof r[c] === 'number' ? formatNumber(r[c] as number) : String(r[c] ?? ''))).join(' | ')} |`,
      )
    io.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    history.close()
  }
  return 0
}

async function cmdQuery(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('query', args, {})
  if (values.help) return showHelp(io, 'query')
  const [sql, ...dirs] = positionals
  if (!sql || dirs.length === 0)
    throw new EffbenchError(ErrorCode.usage, 'Cannot query: expected "<sql>" <run-dir...>')
  const { openHistory } = await import('./store/history.ts')
  const history = await openHistory(dirs)
  try {
    for (const row of await history.query(sql)) io.stdout.write(`${JSON.stringify(row)}\n`)
  } finally {
    history.close()
  }
  return 0
}

function cmdList(app: CliApp, args: string[], io: CliIo): number {
  const { values } = parse('list', args, {})
  if (values.help) return showHelp(io, 'list')
  const lines: string[] = []
  const section = (title: string, items: { name: string; description: string }[]) => {
    lines.push(`${title}:`)
    const w = Math.max(0, ...items.map((i) => i.name.length))
    for (const i of items) lines.push(`  ${i.name.padEnd(w)}  ${i.description.split('\n')[0]}`)
    lines.push('')
  }
  section(
    'suites',
    [...app.suites].map((s) => ({ name: s.name, description: s.description })),
  )
  section(
    'groups',
    Object.entries(app.groups).map(([name, members]) => ({
      name,
      description: members.join(', '),
    })),
  )
  const subjects = app.registries.subjects.list()
  section(
    'methods',
    subjects.filter((s) => s.kind === 'method'),
  )
  section(
    'baselines',
    subjects.filter((s) => s.kind === 'baseline'),
  )
  section('datasets', app.registries.datasets.list())
  section('models', app.registries.models.list())
  io.stdout.write(lines.join('\n'))
  return 0
}

function compilerVersion(): string {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      return `${cc}: ${execFileSync(cc, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]}`
    } catch {
      // try the next one
    }
  }
  return 'none on PATH (the native sparse kernels are skipped)'
}

async function cmdDoctor(app: CliApp, args: string[], io: CliIo): Promise<number> {
  const { values } = parse('doctor', args, {})
  if (values.help) return showHelp(io, 'doctor')
  const env = collectEnvironment(app.root)
  const { describeBackends } = await import('./backends/tfjs.ts')
  const lines = [
    `node ${env.node} (v8 ${env.v8}) on ${env.platform} ${env.arch} ${env.osRelease}`,
    `cpu: ${env.cpuModel}; ${env.cores} cores available; ${env.memoryGiB} GiB`,
    `cpu flags: ${env.cpuFlags.join(' ') || 'none of interest found'}`,
    `git: ${env.git.commit}${env.git.dirty ? ' (dirty)' : ''}`,
    `C compiler: ${compilerVersion()}`,
    'tfjs backends:',
  ]
  for (const p of await describeBackends())
    lines.push(`  ${p.name.padEnd(14)} ${p.loads ? 'loads ' : 'absent'}  ${p.package}: ${p.detail}`)
  try {
    const ort = await import('onnxruntime-node')
    const backends = ort.listSupportedBackends?.() ?? []
    lines.push(
      `onnxruntime-node ${env.packages['onnxruntime-node']}: ${backends.map((b: { name: string }) => b.name).join(', ') || 'cpu'}`,
    )
  } catch (e) {
    lines.push(`onnxruntime-node: does not load (${(e as Error).message.split('\n')[0]})`)
  }
  lines.push(`default threads per trial: 1 (use --threads; ${os.availableParallelism()} available)`)
  io.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

/** Runs one command; returns the exit code. Never throws for bad input. */
export async function runCli(
  argv: readonly string[],
  app: CliApp,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv
  const verbose = rest.includes('--verbose')
  try {
    switch (command) {
      case 'run':
        return await cmdRun(app, rest, io)
      case 'report':
        return await cmdReport(app, rest, io)
      case 'merge':
        return await cmdMerge(rest, io)
      case 'compare':
        return await cmdCompare(app, rest, io)
      case 'paper':
        return await cmdPaper(app, rest, io)
      case 'history':
        return await cmdHistory(rest, io)
      case 'query':
        return await cmdQuery(rest, io)
      case 'list':
        return cmdList(app, rest, io)
      case 'doctor':
        return await cmdDoctor(app, rest, io)
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${HELP.main}\n`)
        return command === undefined ? 2 : 0
      default:
        throw new EffbenchError(
          ErrorCode.usage,
          `Unknown command "${command}"; valid commands: "run", "report", "merge", "compare", "paper", "history", "query", "list", "doctor"`,
        )
    }
  } catch (e) {
    if (e instanceof EffbenchError) {
      io.stderr.write(`error[${e.code}]: ${e.message}\n`)
      if (verbose && e.stack) io.stderr.write(`${e.stack}\n`)
      return 2
    }
    // Not the user's fault: a bug. Show the stack so it can be reported.
    const err = e as Error
    io.stderr.write(`error[internal]: ${err.message}\n${err.stack ?? ''}\n`)
    return 1
  }
}
