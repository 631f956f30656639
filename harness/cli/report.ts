/** `effbench report`: re-render a run folder's tables and figures from its records only. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fail } from '../messages.ts'
import { writeReport } from '../report/write.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import { readRecords } from '../store/jsonl.ts'
import { type Command, flag, makeLogger } from './options.ts'

export const report: Command = {
  name: 'report',
  usage: 'report <run-dir>',
  summary: 're-render tables and figures from stored records',
  description:
    'Writes table.md, table.csv and the declared figures and tables under <run-dir> from its records.',
  options: {},
  async run(app, p, io) {
    const dir = p.positionals[0]
    if (!dir || p.positionals.length > 1) fail('reportUsage')
    const file = join(dir, RECORDS_FILE)
    if (!existsSync(file)) fail('noRecords', 'Cannot report', dir)
    const { records, problems } = readRecords(file)
    if (records.length === 0)
      fail(
        'emptyRecords',
        'Cannot report',
        dir + (problems.length > 0 ? ` (${problems.length} damaged lines)` : ''),
      )
    const written = await writeReport(
      dir,
      makeLogger(io, flag(p, 'verbose')),
      dir,
      app.summaries,
      app.registries,
    )
    io.stdout.write(`${written.map((a) => `wrote ${a.path}`).join('\n')}\n`)
    return 0
  },
}
