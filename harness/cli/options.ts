/**
 * What every command shares: the option definitions (one source for parsing and for `--help`),
 * the parser, the logger, and the readers of common flag values.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fail } from '../messages.ts'
import type { Registries } from '../registry.ts'
import type { SuiteSummary } from '../report/write.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import type { SuiteSpec } from '../spec/schema.ts'
import { latestPerTrial } from '../stats/aggregate.ts'
import { formatProblem, readRecords } from '../store/jsonl.ts'
import type { TrialRecord } from '../store/record.ts'
import { type Logger, PROFILES, type Profile } from '../types.ts'

/** What the composition root (effbench.ts) hands the CLI. */
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

/** One flag: how it parses and how `--help` shows it. */
export interface OptionDef {
  type: 'string' | 'boolean'
  multiple?: boolean
  /** The value's placeholder in the help, e.g. `<n>`. */
  value?: string
  help: string
}
export type OptionDefs = Readonly<Record<string, OptionDef>>

/** The parsed command line of one command. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

/** One command of the CLI: its help and its options are one definition. */
export interface Command {
  name: string
  /** What follows `effbench` in the usage line, e.g. `report <run-dir>`. */
  usage: string
  /** One line, for the list of commands. */
  summary: string
  /** Shown under the usage line. */
  description?: string
  options: OptionDefs
  /** Shown after the options (override syntax, exit codes). */
  notes?: string
  run(app: CliApp, parsed: Parsed, io: CliIo): Promise<number> | number
}

/** Flags every command takes. */
export const COMMON_OPTIONS: OptionDefs = {
  help: { type: 'boolean', help: 'show this help' },
  verbose: { type: 'boolean', help: 'debug logs and stacks' },
}

/** Parse `args` against the command's options; an unknown flag is a one-line usage error. */
export function parseCommand(command: Command, args: readonly string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([k, d]) => [
      k,
      { type: d.type, ...(d.multiple ? { multiple: true } : {}) },
    ]),
  )
  // `--seed -1` would read as two flags: glue a negative number to its string option.
  const glued: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    const next = args[i + 1]
    const def = a.startsWith('--') ? command.options[a.slice(2)] : undefined
    if (def?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      glued.push(`${a}=${next}`)
      i++
    } else glued.push(a)
  }
  try {
    const { values, positionals } = parseArgs({
      args: glued,
      options,
      allowPositionals: true,
      strict: true,
    })
    return { values: values as Parsed['values'], positionals }
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? ''
    const flag = /'(-[^']+)'/.exec(msg)?.[1]
    return flag
      ? fail('unknownOption', flag, command.name)
      : fail('badArguments', command.name, msg)
  }
}

/** `effbench <command> --help`, generated from the command's definition. */
export function helpOf(command: Command): string {
  const rows = Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([name, d]) => {
    const flag = `--${name}${d.value ? ` ${d.value}` : ''}`
    return [flag, `${d.help}${d.multiple ? ' (repeatable)' : ''}`] as const
  })
  const width = Math.max(...rows.map(([f]) => f.length))
  const parts = [`Usage: effbench ${command.usage} [options]`]
  if (command.description) parts.push(command.description)
  parts.push(`Options:\n${rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n')}`)
  if (command.notes) parts.push(command.notes)
  return parts.join('\n\n')
}

export function makeLogger(io: CliIo, verbose: boolean): Logger {
  return {
    info: (m) => io.stderr.write(`${m}\n`),
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) io.stderr.write(`debug: ${m}\n`)
    },
  }
}

export function parseProfile(v: string | undefined): Profile {
  const p = v ?? 'default'
  if (!(PROFILES as readonly string[]).includes(p)) fail('unknownProfile', p)
  return p as Profile
}

export function parseInteger(
  flag: string,
  v: string | undefined,
  fallback: number,
  min: number,
): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) fail('badInteger', flag, v, min)
  return n
}

/** A string flag's value (undefined when absent). */
export const str = (p: Parsed, name: string) => p.values[name] as string | undefined
/** A repeatable string flag's values. */
export const strs = (p: Parsed, name: string) => (p.values[name] as string[] | undefined) ?? []
/** A boolean flag. */
export const flag = (p: Parsed, name: string) => p.values[name] === true

/** The latest record of every trial of a run folder; damaged lines are warned about. */
export function readRun(dir: string, logger: Logger): TrialRecord[] {
  const file = join(dir, RECORDS_FILE)
  if (!existsSync(file)) fail('noRecords', 'Cannot read run', dir)
  const { records, problems } = readRecords(file)
  for (const p of problems) logger.warn(`${formatProblem(p)}; the line is ignored`)
  return latestPerTrial(records)
}
