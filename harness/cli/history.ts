/** `effbench history` and `effbench query`: the runs' records in DuckDB. */
import { fail } from '../messages.ts'
import { formatNumber } from '../report/table.ts'
import { type Command, flag, makeLogger, str } from './options.ts'

const HISTORY_COLUMNS = [
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

export const history: Command = {
  name: 'history',
  usage: 'history <run-dir...>',
  summary: 'per-metric history across runs, by environment (DuckDB)',
  description: `Loads the runs (oldest first) into DuckDB and prints, per suite, subject, dataset point, metric
and environment, the median of each run.`,
  options: {
    metric: { type: 'string', value: '<name>', help: 'only this metric' },
    suite: { type: 'string', value: '<name>', help: 'only this suite' },
  },
  async run(_app, p, io) {
    if (p.positionals.length === 0) fail('historyUsage')
    const { openHistory, HISTORY_SQL } = await import('../store/history.ts')
    const db = await openHistory(p.positionals, makeLogger(io, flag(p, 'verbose')))
    try {
      const metric = str(p, 'metric')
      const suite = str(p, 'suite')
      const rows = (await db.query(HISTORY_SQL)).filter(
        (r) =>
          (metric === undefined || r.metric === metric) &&
          (suite === undefined || r.suite === suite),
      )
      const cell = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''))
      const lines = [
        `| ${HISTORY_COLUMNS.join(' | ')} |`,
        `|${HISTORY_COLUMNS.map(() => ' --- ').join('|')}|`,
        ...rows.map((r) => `| ${HISTORY_COLUMNS.map((c) => cell(r[c])).join(' | ')} |`),
      ]
      io.stdout.write(`${lines.join('\n')}\n`)
    } finally {
      db.close()
    }
    return 0
  },
}

export const query: Command = {
  name: 'query',
  usage: 'query "<sql>" <run-dir...>',
  summary: 'SQL over the runs\' table "measurements"',
  description: `Runs SQL over the table "measurements" (one row per record and metric: run, run_order, key,
config_key, suite, subject, subject_params, dataset, dataset_params, repetition, seed, status,
metric, value, unit, better, n_samples, sample_median, code_version, env_hash, started_at,
duration_ms) and prints the rows as JSON lines.`,
  options: {},
  async run(_app, p, io) {
    const [sql, ...dirs] = p.positionals
    if (!sql || dirs.length === 0) fail('queryUsage')
    const { openHistory } = await import('../store/history.ts')
    const db = await openHistory(dirs, makeLogger(io, flag(p, 'verbose')))
    try {
      for (const row of await db.query(sql)) io.stdout.write(`${JSON.stringify(row)}\n`)
    } finally {
      db.close()
    }
    return 0
  },
}
