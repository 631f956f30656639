/** `effbench compare`: the regression gate between a baseline run and a candidate run. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { fail } from '../messages.ts'
import { gateToMarkdown } from '../report/compare-md.ts'
import { readSavedSuites } from '../report/write.ts'
import { describeZodError } from '../spec/schema.ts'
import { type Acknowledgement, regressionGate, relativeToBaseline } from '../stats/regression.ts'
import { type Command, flag, makeLogger, readRun, str, strs } from './options.ts'

const AckFileSchema = z.array(
  z.strictObject({
    suite: z.string().optional(),
    subject: z.string().optional(),
    metric: z.string(),
    reason: z.string().min(1),
  }),
)

function readAcknowledged(path: string, explicit: boolean): Acknowledgement[] {
  if (!existsSync(path)) {
    if (explicit) fail('ackUnreadable', path, 'no such file')
    return []
  }
  try {
    return AckFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
  } catch (e) {
    return fail(
      'ackUnreadable',
      path,
      e instanceof z.ZodError ? describeZodError(e) : (e as Error).message,
    )
  }
}

export const compare: Command = {
  name: 'compare',
  usage: 'compare <baseline-run> <candidate-run>',
  summary: 'the regression gate (exit 1 on a regression)',
  description: `Flags a metric as regressed only when the change is statistically significant (timed metrics:
Mann-Whitney U over raw samples; others: paired t over seeds) and larger than its floor. Timed
metrics are judged only with --history (A/A runs of this machine give their floors) or
--within-run; otherwise they are reported as unjudged and never fail the gate.`,
  options: {
    alpha: { type: 'string', value: '<p>', help: 'significance level (default 0.01)' },
    floor: {
      type: 'string',
      multiple: true,
      value: '<metric=frac>',
      help: 'relative floor for a metric, e.g. latency_ms=0.1',
    },
    history: {
      type: 'string',
      multiple: true,
      value: '<run-dir>',
      help: 'earlier runs of the same environment; floors from their A/A noise',
    },
    'within-run': {
      type: 'boolean',
      help: "without --history, judge timed metrics against floors from the two runs' own measurement rounds (catches large changes; raises false alarms on the noise between processes, which two runs cannot estimate)",
    },
    relative: {
      type: 'boolean',
      help: "timed metrics relative to the suite's baseline subject, trial by trial (cancels machine drift; the baselines themselves are not gated)",
    },
    ack: {
      type: 'string',
      value: '<file>',
      help: 'acknowledged regressions (default: regressions.ack.json in the project, if any)',
    },
    out: { type: 'string', value: '<file>', help: 'also write the Markdown summary there' },
  },
  notes: 'Exit codes: 0 no regression, 1 regression, 2 bad input.',
  run(app, p, io) {
    const [baseDir, candDir] = p.positionals
    if (!baseDir || !candDir || p.positionals.length > 2) fail('compareUsage')
    const logger = makeLogger(io, flag(p, 'verbose'))
    const alphaArg = str(p, 'alpha')
    const alpha = alphaArg === undefined ? 0.01 : Number(alphaArg)
    if (!(alpha > 0 && alpha < 1)) fail('badAlpha', String(alphaArg))
    const floors: Record<string, number> = {}
    for (const f of strs(p, 'floor')) {
      const [metric, value] = f.split('=')
      const v = Number(value)
      if (!metric || !(v >= 0)) fail('badFloor', f)
      floors[metric] = v
    }
    const ack = str(p, 'ack')
    const acknowledged = readAcknowledged(ack ?? join(app.root, 'regressions.ack.json'), !!ack)
    // Relative mode divides each subject's timings by its suite baseline's, trial by trial.
    const baselines: Record<string, string> = {}
    for (const s of [...readSavedSuites(baseDir), ...readSavedSuites(candDir)])
      if (s.baseline) baselines[s.name] = s.baseline
    const load = (dir: string) => {
      const records = readRun(dir, logger)
      return flag(p, 'relative') ? relativeToBaseline(records, baselines) : records
    }
    const result = regressionGate(load(baseDir), load(candDir), {
      alpha,
      floors,
      acknowledged,
      history: strs(p, 'history').map(load),
      withoutHistory: flag(p, 'within-run') ? 'within-run' : 'unjudged',
    })
    const md = gateToMarkdown(result, { baseline: baseDir, candidate: candDir })
    const out = str(p, 'out')
    if (out) writeFileSync(out, md)
    io.stdout.write(md)
    return result.regressions > 0 ? 1 : 0
  },
}
