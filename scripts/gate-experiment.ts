/**
 * How often does `effbench compare` (no --history) cry wolf, and does it still catch a real
 * slowdown? Runs the smoke profile of a suite many times, then gates
 *
 *   A/A pairs:        run A(2i) against run A(2i+1)           (every regression is a false alarm)
 *   detection pairs:  run A(2i) against run S(i), where S has subjects.<subject>.params.injectSlowdown
 *
 * through the real CLI (`node bin/effbench.js compare`, exit 1 = regression) and prints the
 * false-alarm and detection rates. Runs are made in the order A, A, S, A, A, S, ... so that the
 * machine's drift hits both kinds of pair alike.
 *
 *   npx tsx scripts/gate-experiment.ts [--dir d] [--pairs 20] [--slowdown 0.3]
 *       [--subject tfjs-dense] [--suite dense-inference] [--phase all|run|eval]
 *
 * `--phase run` only makes the runs (kept in --dir, reused by later calls: finished runs are not
 * repeated), `--phase eval` only gates existing runs, so that two versions of the gate can be
 * compared on the same measurements. Not part of `npm test` (minutes of wall clock).
 *
 * Measured on the 2-core development machine: results/reference/regression-gate/README.md (the
 * quiet runs and the before/after outputs are committed there, under smoke-quiet/). Eval a
 * variant of the gate with --compare-args=--within-run, or an older checkout's bin with --bin.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'results/gate-experiment' },
    pairs: { type: 'string', default: '20' },
    slowdown: { type: 'string', default: '0.3' },
    subject: { type: 'string', default: 'tfjs-dense' },
    suite: { type: 'string', default: 'dense-inference' },
    phase: { type: 'string', default: 'all' },
    label: { type: 'string', default: 'gate' },
    /** The effbench to gate with (e.g. an older checkout's bin/effbench.js, for "before"). */
    bin: { type: 'string', default: 'bin/effbench.js' },
    /** Extra `effbench compare` flags, space-separated (e.g. "--within-run"). */
    'compare-args': { type: 'string', default: '' },
  },
})
const dir = resolve(values.dir)
const pairs = Number(values.pairs)
const bin = resolve(values.bin)

function effbench(
  args: string[],
  using = resolve('bin/effbench.js'),
): { status: number; stdout: string } {
  const r = spawnSync(process.execPath, [using, ...args], { encoding: 'utf8' })
  if (r.status === 2 || r.status === null)
    throw new Error(`effbench ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return { status: r.status, stdout: r.stdout }
}

const runDir = (kind: 'a' | 's', i: number) => join(dir, `${kind}${String(i).padStart(2, '0')}`)

function makeRun(out: string, slowdown: number): void {
  if (existsSync(join(out, 'records.jsonl'))) return
  const extra = slowdown > 0 ? [`subjects.${values.subject}.params.injectSlowdown=${slowdown}`] : []
  const t0 = performance.now()
  effbench(['run', values.suite, '--profile', 'smoke', '--no-report', '--out', out, ...extra])
  if (!existsSync(join(out, 'records.jsonl')))
    throw new Error(`effbench run wrote no records in ${out}`)
  console.log(`ran ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

if (values.phase !== 'eval') {
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < pairs; i++) {
    makeRun(runDir('a', 2 * i), 0)
    makeRun(runDir('a', 2 * i + 1), 0)
    makeRun(runDir('s', i), Number(values.slowdown))
  }
}

if (values.phase !== 'run') {
  let falseAlarms = 0
  let detected = 0
  const lines: string[] = []
  for (let i = 0; i < pairs; i++) {
    const extra = values['compare-args'].split(' ').filter(Boolean)
    const aa = effbench(['compare', runDir('a', 2 * i), runDir('a', 2 * i + 1), ...extra], bin)
    const as = effbench(['compare', runDir('a', 2 * i), runDir('s', i), ...extra], bin)
    if (aa.status === 1) falseAlarms++
    if (as.status === 1) detected++
    // What an alarm flagged: subject and dataset point, with how many of its metrics.
    const flagged = (out: string) => {
      const count = new Map<string, number>()
      for (const l of out.split('\n').filter((x) => x.startsWith('| regressed'))) {
        const [, , subject, params] = l.split('|').map((c) => c.trim())
        const batch = /batch=\d+/.exec(params ?? '')?.[0] ?? ''
        const k = `${subject} ${batch}`
        count.set(k, (count.get(k) ?? 0) + 1)
      }
      return [...count].map(([k, n]) => `${k} (${n} metrics)`)
    }
    lines.push(
      `pair ${i}: A/A ${aa.status === 1 ? 'ALARM' : 'quiet'} ${flagged(aa.stdout).join('; ')} | slowdown ${as.status === 1 ? 'detected' : 'MISSED'}`,
    )
  }
  const summary = `${values.label}: false alarms ${falseAlarms}/${pairs} A/A pairs, detected ${detected}/${pairs} injected ${Number(values.slowdown) * 100}% slowdowns of ${values.subject}`
  const text = [...lines, summary].join('\n')
  console.log(text)
  writeFileSync(join(dir, `${values.label}.txt`), `${text}\n`)
}
