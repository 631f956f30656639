/** `effbench paper`: every declared table and figure of some runs, byte-stable, with a manifest. */
import { join } from 'node:path'
import { fail } from '../messages.ts'
import { buildPaper } from '../report/paper.ts'
import { type Command, flag, makeLogger, str } from './options.ts'

export const paper: Command = {
  name: 'paper',
  usage: 'paper <run-dir...>',
  summary: 'every table and figure of the runs, plus manifest.json',
  description: `Re-renders every declared table and figure of the runs from their records only (never measures)
into <dir>/<run>/ (default: paper/), with manifest.json naming the record keys, code versions and
environments behind each file. Two builds from the same records are byte-identical.`,
  options: { out: { type: 'string', value: '<dir>', help: 'where to write (default: paper/)' } },
  async run(app, p, io) {
    if (p.positionals.length === 0) fail('paperUsage')
    const out = str(p, 'out') ?? 'paper'
    const logger = makeLogger(io, flag(p, 'verbose'))
    const manifest = await buildPaper(p.positionals, out, logger, app.summaries, app.registries)
    const files = manifest.runs.reduce((n, r) => n + r.artifacts.length, 0)
    io.stdout.write(
      `wrote ${files} files for ${manifest.runs.length} runs and ${join(out, 'manifest.json')}\n`,
    )
    return 0
  },
}
