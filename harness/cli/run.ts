/** `effbench run`: parse the flags, load the suites, call the run pipeline, print the outcome. */
import { existsSync } from 'node:fs'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { fail } from '../messages.ts'
import { budgetLines, runPipeline } from '../run/pipeline.ts'
import { parseShard, shardFromEnv } from '../run/shard.ts'
import type { SuiteSpec } from '../spec/schema.ts'
import { DEVICES, type Device, PROFILES } from '../types.ts'
import { cacheLocation } from './cache.ts'
import {
  type CliApp,
  type Command,
  flag,
  makeLogger,
  parseInteger,
  parseProfile,
  readRun,
  str,
} from './options.ts'

/** A suite named on the command line, with where it came from (for error messages). */
export interface LoadedSuite {
  spec: SuiteSpec
  source: string
}

/**
 * Import a .suite.ts file from anywhere. tsx's `tsImport` compiles it on its own, so a suite in
 * a folder without a package.json (compiled as CommonJS) loads as well as one in the project; a
 * syntax error becomes a one-line `error[suite]` with file:line:column.
 */
async function importSuiteFile(name: string): Promise<SuiteSpec> {
  const path = isAbsolute(name) ? name : resolve(name)
  if (!existsSync(path)) fail('suiteFileMissing', name)
  let mod: { default?: unknown }
  try {
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }
  } catch (e) {
    // esbuild reports `<file>:<line>:<column>: ERROR: <text>` (column 0-based in `errors`, 1-based here).
    const message = e instanceof Error ? e.message : String(e)
    const at = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(message)
    if (at) fail('suiteSyntax', `${name}:${at[2]}:${Number(at[3]) + 1}`, at[4] as string)
    return fail('suiteInvalid', name, message.split('\n')[0] ?? '')
  }
  // Compiled as CommonJS, the module's default export arrives one level down.
  const exported = mod.default as { default?: unknown } | undefined
  const spec =
    exported && typeof exported === 'object' && 'default' in exported ? exported.default : exported
  if (!spec) fail('suiteNoDefaultExport', name)
  return spec as SuiteSpec
}

/** Suites named on the command line: registered names, group names, or .suite.ts files. */
export async function loadSuites(app: CliApp, names: readonly string[]): Promise<LoadedSuite[]> {
  const byName = new Map(app.suites.map((s) => [s.name, s]))
  const out: LoadedSuite[] = []
  const add = (spec: SuiteSpec, source: string) => {
    if (!out.some((s) => s.spec === spec)) out.push({ spec, source })
  }
  for (const name of names) {
    if (name.endsWith('.ts') || name.endsWith('.js') || name.includes('/')) {
      add(await importSuiteFile(name), name)
    } else if (app.groups[name]) {
      for (const member of app.groups[name] ?? []) {
        const s = byName.get(member)
        if (!s) fail('groupUnknownMember', name, member)
        add(s, s.name)
      }
    } else {
      const s = byName.get(name)
      if (!s) fail('unknownSuite', name, [...byName.keys()], Object.keys(app.groups))
      add(s, s.name)
    }
  }
  return out
}

/** `--device gpu` stops here, before any trial, where no GPU build of a backend is installed. */
async function requireGpu(): Promise<void> {
  const { describeBackends } = await import('../backends/tfjs.ts')
  const { ortCudaAvailable } = await import('../backends/onnx.ts')
  const tfGpu = (await describeBackends()).find((p) => p.name === 'tensorflow-gpu')
  if (tfGpu?.loads || ortCudaAvailable()) return
  fail('noGpu', tfGpu?.detail ?? 'absent')
}

export const run: Command = {
  name: 'run',
  usage: 'run <suite|group|file.suite.ts...> [key=value...]',
  summary: 'run the trials not yet recorded, then write the report',
  options: {
    profile: {
      type: 'string',
      value: `<${PROFILES.join('|')}>`,
      help: 'sizes and seeds to use (default: default)',
    },
    seed: { type: 'string', value: '<n>', help: 'root seed (default: 0)' },
    out: {
      type: 'string',
      value: '<dir>',
      help: 'results folder (default: results/<name>-<profile>)',
    },
    shard: {
      type: 'string',
      value: '<i/n>',
      help: 'run shard i of n (also SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX)',
    },
    costs: {
      type: 'string',
      value: '<run-dir>',
      help: 'balance shards by the trial durations recorded in an earlier run',
    },
    subjects: {
      type: 'string',
      value: '<id,...>',
      help: "run only these subjects' trials (same keys as in a full run)",
    },
    force: { type: 'boolean', help: 're-run trials that already have a record' },
    bail: { type: 'boolean', help: 'stop at the first failed trial' },
    isolate: { type: 'boolean', help: 'run each trial in its own child process (hard timeouts)' },
    device: {
      type: 'string',
      value: `<${DEVICES.join('|')}>`,
      help: 'gpu stops with an error where no GPU build is installed',
    },
    threads: { type: 'string', value: '<n>', help: 'threads per trial (default: 1)' },
    'no-report': { type: 'boolean', help: 'do not render tables after the run' },
    'no-cache': {
      type: 'boolean',
      help: 'neither read nor write the persistent artifact cache (see effbench cache --help)',
    },
  },
  notes: `Overrides (after the profile): seeds=5  timeoutS=60  subjects.<id>.params.<key>=<json>
  subjects.<id>.grid.<key>=[1,2]  datasets.<id>.params.<key>=<json>

Exit codes: 0 ok, 1 some trial failed, 2 bad input, 130 interrupted (run it again to resume).`,

  async run(app, p, io) {
    const names = p.positionals.filter((x) => !x.includes('=') || x.endsWith('.ts'))
    const overrides = p.positionals.filter((x) => x.includes('=') && !x.endsWith('.ts'))
    if (names.length === 0) fail('runWithoutSuite')
    const profile = parseProfile(str(p, 'profile'))
    const rootSeed = parseInteger('seed', str(p, 'seed'), 0, 0)
    const threads = parseInteger('threads', str(p, 'threads'), 1, 1)
    const device = str(p, 'device') ?? 'cpu'
    if (!(DEVICES as readonly string[]).includes(device)) fail('unknownDevice', device)
    if (device === 'gpu') await requireGpu()
    const shardArg = str(p, 'shard')
    const shard = shardArg ? parseShard(shardArg) : shardFromEnv(process.env)
    const logger = makeLogger(io, flag(p, 'verbose'))
    // Durations by config key from an earlier run; they stay valid across commits.
    const costs = str(p, 'costs')
    const shardCosts = costs
      ? new Map(
          readRun(costs, logger)
            .filter((r) => r.status === 'ok')
            .map((r) => [r.configKey, r.durationMs]),
        )
      : undefined
    const loaded = await loadSuites(app, names)
    const runName =
      names.length === 1
        ? basename(names[0] as string).replace(/\.suite\.[tj]s$/, '')
        : loaded.map((s) => s.spec.name).join('+')
    const outDir = str(p, 'out') ?? join('results', `${runName}-${profile}`)
    const subjects = str(p, 'subjects')

    const interrupt = new AbortController()
    const onSigint = () => {
      if (interrupt.signal.aborted) process.exit(130)
      io.stderr.write(
        '\ninterrupted: stopping after the current trial is abandoned (Ctrl-C again to quit now)\n',
      )
      interrupt.abort()
    }
    process.on('SIGINT', onSigint)
    let result: Awaited<ReturnType<typeof runPipeline>>
    try {
      result = await runPipeline(
        app,
        {
          suites: loaded.map((s) => s.spec),
          sources: loaded.map((s) => s.source),
          profile,
          rootSeed,
          overrides,
          outDir,
          subjects: subjects?.split(',').map((x) => x.trim()),
          device: device as Device,
          threads,
          force: flag(p, 'force'),
          bail: flag(p, 'bail'),
          shard,
          shardCosts,
          isolate: flag(p, 'isolate') ? { entry: app.entry } : undefined,
          render: !flag(p, 'no-report'),
          cache: flag(p, 'no-cache') ? undefined : cacheLocation(),
        },
        {
          logger,
          sink: io.stderr,
          signal: interrupt.signal,
          onPlanned: ({ resolved, trials }) =>
            io.stderr.write(
              `effbench run: ${resolved.map((s) => s.name).join(', ')} (profile ${profile}, seed ${rootSeed}, ${trials.length} trials${shard ? `, shard ${shard.index}/${shard.count}${shardCosts ? ` balanced by ${costs}` : ''}` : ''}) -> ${outDir}\n`,
            ),
        },
      )
    } finally {
      process.off('SIGINT', onSigint)
    }
    const { summary, plan, written } = result
    const ran = summary.ok + summary.failed + summary.skipped
    io.stderr.write(
      `effbench run: ${ran} trials run (${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped), ${summary.alreadyDone} already recorded, in ${(summary.durationMs / 1000).toFixed(1)}s\n`,
    )
    for (const line of budgetLines(plan.resolved, summary)) io.stderr.write(`${line}\n`)
    if (summary.interrupted) {
      io.stderr.write(
        `effbench run: interrupted; ${summary.inShard - summary.alreadyDone - ran} trials not run; run the same command again to complete them\n`,
      )
      return 130
    }
    if (written.length > 0) io.stdout.write(`${written.map((a) => `wrote ${a.path}`).join('\n')}\n`)
    return summary.failed > 0 ? 1 : 0
  },
}
