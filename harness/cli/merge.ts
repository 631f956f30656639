/** `effbench merge`: union the records of shards or machines into one run folder. */
import { join } from 'node:path'
import { fail } from '../messages.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import { mergeRuns } from '../store/merge.ts'
import { type Command, flag, makeLogger } from './options.ts'

export const merge: Command = {
  name: 'merge',
  usage: 'merge <out-dir> <run-dir...>',
  summary: 'union the records of shards or machines',
  description: `Unions records by key (duplicates dropped). Refuses records from different environments
unless --force. Records already in <out-dir> are kept as they are.`,
  options: { force: { type: 'boolean', help: 'merge records of different environments anyway' } },
  run(_app, p, io) {
    const [out, ...inputs] = p.positionals
    if (!out || inputs.length === 0) fail('mergeUsage')
    const result = mergeRuns(out, inputs, {
      force: flag(p, 'force'),
      logger: makeLogger(io, flag(p, 'verbose')),
    })
    io.stdout.write(
      `merged ${result.added} new records into ${join(out, RECORDS_FILE)} (${result.duplicates} duplicates dropped, ${result.kept} already there)\n`,
    )
    return 0
  },
}
