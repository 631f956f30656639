/**
 * The command line: one file per command, each a `Command` whose option definitions drive both
 * parsing and `--help`. This file only dispatches.
 *
 * Exit codes: 0 ok, 1 some trial failed (or a regression, for `compare`), 2 bad input,
 * 130 interrupted. Errors print one line, `error[<code>]: <message>`; the stack only with --verbose.
 */
import { EffbenchError } from '../errors.ts'
import { fail } from '../messages.ts'
import { cache } from './cache.ts'
import { compare } from './compare.ts'
import { doctor } from './doctor.ts'
import { history, query } from './history.ts'
import { list } from './list.ts'
import { merge } from './merge.ts'
import { type CliApp, type CliIo, type Command, helpOf, parseCommand } from './options.ts'
import { paper } from './paper.ts'
import { report } from './report.ts'
import { run } from './run.ts'

export type { CliApp, CliIo } from './options.ts'

/** Every command, in the order the main help lists them. */
export const COMMANDS: readonly Command[] = [
  run,
  report,
  merge,
  compare,
  paper,
  history,
  query,
  list,
  doctor,
  cache,
]

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length))
  return `effbench: a benchmark and research harness for efficient deep learning

Usage: effbench <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'effbench <command> --help' for a command's options.`
}

/** Runs one command; returns the exit code. Never throws for bad input. */
export async function runCli(
  argv: readonly string[],
  app: CliApp,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv
  const verbose = rest.includes('--verbose')
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(`${mainHelp()}\n`)
      return name === undefined ? 2 : 0
    }
    const command = COMMANDS.find((c) => c.name === name)
    if (!command)
      return fail(
        'unknownCommand',
        name,
        COMMANDS.map((c) => c.name),
      )
    const parsed = parseCommand(command, rest)
    if (parsed.values.help) {
      io.stdout.write(`${helpOf(command)}\n`)
      return 0
    }
    return await command.run(app, parsed, io)
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
