/**
 * The regression gate: compare a candidate run with a baseline run, metric by metric.
 *
 *   records ─ group by (suite, subject, dataset point) ─ match baseline ↔ candidate
 *   ─ per metric: test (timed: Mann-Whitney U over raw samples; otherwise paired t over seeds)
 *   ─ change oriented so that > 0 is worse ─ regressed iff significant AND |change| > floor
 *   ─ acknowledged regressions reported but not failing
 *
 * The floor per metric comes from, in order: an explicit override, a prediction bound of the
 * run-to-run (A/A) noise measured over history runs of the same environment, the same bound from
 * the noise between measurement blocks inside the two runs themselves (timed metrics without
 * history), or a default. A difference can be significant and still too small to matter
 * (thousands of timing samples make tiny shifts significant); the floor says how large a change
 * must be before anyone is woken. A timed metric with neither history nor blocks to estimate its
 * noise from is `unjudged`: it is reported, never failing the gate.
 */
import { canonicalJson } from '../hash.ts'
import { Rng } from '../run/rng.ts'
import type { TrialRecord } from '../store/record.ts'
import { aggregate, type MetricAggregate, type RecordGroup } from './aggregate.ts'
import { bootstrapRatioOfQuantiles, geomeanRatio, mannWhitneyU, pairedBySeed } from './compare.ts'
import { quantile, sd } from './describe.ts'
import { tQuantile } from './distributions.ts'

export interface GateOptions {
  /** Significance level. @default 0.01 */
  alpha?: number
  /** Relative floor per metric name, e.g. { latency_ms: 0.05 }. */
  floors?: Record<string, number>
  /** Relative floor for timed metrics without an override or history. @default 0.05 */
  defaultTimedFloor?: number
  /** Relative floor for other metrics without an override or history. @default 0.01 */
  defaultFloor?: number
  /** Earlier runs' records of the same environment, for A/A floors (each element one run). */
  history?: readonly (readonly TrialRecord[])[]
  /** Acknowledged regressions: matching changes are reported but do not fail the gate. */
  acknowledged?: readonly Acknowledgement[]
  /** Subject params that are not part of a trial's identity here (test-only knobs). */
  ignoreParams?: readonly string[]
  /**
   * What a timed metric without history is judged against. `unjudged`: nothing; it is reported,
   * never failing the gate, because two runs are two processes and the noise between processes
   * cannot be estimated from one of each (smoke dense-inference A/A pairs on a quiet 2-core
   * machine: sd of log(10th percentile) 0.15–0.3 between fresh processes, as large as a 30%
   * slowdown; blocks inside a run see a fraction of it). `within-run`: a floor from the
   * measurement blocks within the two runs ({@link withinRunNoise}), which catches large changes
   * and raises false alarms on process noise. `default-floor`: the default floor alone (the gate
   * before either existed). @default 'unjudged'
   */
  withoutHistory?: 'unjudged' | 'within-run' | 'default-floor'
}

export interface Acknowledgement {
  suite?: string | undefined
  subject?: string | undefined
  metric: string
  reason: string
}

/** `unjudged`: a timed metric whose run-to-run noise nothing tells (no history); never fails the gate. */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'acknowledged' | 'unjudged'

export interface MetricComparison {
  suite: string
  subject: string
  dataset: string
  /** Compact label of the dataset and subject parameters. */
  params: string
  metric: string
  unit: string
  better: 'higher' | 'lower'
  baseline: number
  candidate: number
  /** candidate / baseline (ratio of 10th percentiles for timed metrics, of means otherwise). */
  ratio: number
  ratioLo?: number
  ratioHi?: number
  /** Relative change oriented so that > 0 is worse. */
  worse: number
  p: number
  test: 'mann-whitney' | 'paired-t' | 'none'
  floor: number
  floorSource: 'override' | 'history' | 'within-run' | 'default'
  /** With `history`: how many history runs the noise estimate came from. */
  floorRuns?: number
  /** With `within-run`: how many measurement blocks (both runs together) it came from. */
  floorBlocks?: number
  verdict: Verdict
  ackReason?: string
}

export interface GateResult {
  comparisons: MetricComparison[]
  /** What could not be compared, and why. */
  skipped: { what: string; why: string }[]
  /** Geometric mean of candidate/baseline ratios of timed metrics (lower is faster). */
  timedGeomean?: { geomean: number; lo?: number; hi?: number; n: number }
  regressions: number
}

/**
 * Where the gate locates a timed metric's samples: their 10th percentile. Other processes only
 * ever add time to a call, so on a busy machine the lower tail is what the code itself costs,
 * while the median moves with the neighbours' load (smoke dense-inference A/A pairs at load
 * 8–28: sd of log(run median) 0.6–1.5 against 0.2–0.6 for the 10th percentile). A slowdown of
 * the code moves the whole distribution, the lower tail included; a regression that lives only
 * in the tail (pauses, stragglers) is not what this gate looks for.
 */
export const TIMED_QUANTILE = 0.1

/** The gate's location of timed samples ({@link TIMED_QUANTILE}). */
export const timedLocation = (samples: readonly number[]): number =>
  quantile(samples, TIMED_QUANTILE)

function identity(g: RecordGroup, ignore: readonly string[]): string {
  const params = Object.fromEntries(
    Object.entries(g.subject.params).filter(([k]) => !ignore.includes(k)),
  )
  return canonicalJson({ suite: g.suite, subject: g.subject.id, dataset: g.dataset, params })
}

function label(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',')
}

/** Run-to-run noise of one metric: the sd of log(run location) over A/A runs, and its df. */
export interface RunNoise {
  sd: number
  df: number
  /** How many history runs it came from. */
  runs: number
}

export interface HistoryNoise {
  /** Per group and metric (`identity` + NUL + metric), from the runs that have the group. */
  group: Record<string, RunNoise>
  /** Per metric name, pooled over groups (df-weighted variances): for groups history lacks. */
  metric: Record<string, RunNoise>
}

/**
 * Run-to-run (A/A) noise from history runs of the same environment. Within one run thousands of
 * samples make any shift significant, yet a fresh process lands on another JIT tier, alignment or
 * clock: the noise that matters is between runs. Per group and metric it is the sample sd of
 * log(run location) over the history runs (df = runs − 1; timed metrics at
 * {@link TIMED_QUANTILE}, others at their median); noise differs by orders of magnitude
 * between groups (a 50 µs call drifts far more than a 10 ms one), so nothing is pooled across
 * groups except for groups that history does not have.
 */
export function historyNoise(
  history: readonly (readonly TrialRecord[])[],
  ignore: readonly string[] = [],
): HistoryNoise {
  const logs = new Map<string, { metric: string; xs: number[] }>()
  for (const run of history) {
    for (const g of aggregate(run.filter((r) => r.status === 'ok'))) {
      for (const [name, m] of Object.entries(g.metrics)) {
        const location = m.samples.length > 1 ? timedLocation(m.samples) : m.sampleMedian
        if (!(location > 0)) continue
        const k = `${identity(g, ignore)}\u0000${name}`
        const entry = logs.get(k) ?? { metric: name, xs: [] }
        entry.xs.push(Math.log(location))
        logs.set(k, entry)
      }
    }
  }
  const group: Record<string, RunNoise> = {}
  const pooled = new Map<string, { ss: number; df: number; runs: number }>()
  for (const [k, { metric, xs }] of logs) {
    if (xs.length < 2) continue
    const s = sd(xs)
    group[k] = { sd: s, df: xs.length - 1, runs: xs.length }
    const p = pooled.get(metric) ?? { ss: 0, df: 0, runs: 0 }
    p.ss += s * s * (xs.length - 1)
    p.df += xs.length - 1
    p.runs = Math.max(p.runs, xs.length)
    pooled.set(metric, p)
  }
  const metric = Object.fromEntries(
    [...pooled].map(([name, p]) => [name, { sd: Math.sqrt(p.ss / p.df), df: p.df, runs: p.runs }]),
  )
  return { group, metric }
}

/**
 * The relative change that A/A noise alone exceeds with probability `alpha`: the one-sided
 * prediction bound of log(candidate / baseline) in the worse direction, for two fresh runs each
 * with variance sd², i.e. t(1 − alpha, df) · √2 · sd, back on the ratio scale. Few history runs give a wide
 * bound (t with df = 1 is 31.8 at alpha = 0.01): the gate says what it can and cannot see.
 */
export function noiseFloor(noise: RunNoise, alpha: number): number {
  return Math.expm1(tQuantile(1 - alpha, noise.df) * Math.SQRT2 * noise.sd)
}

// ---------------------------------------------------------------------------------------------
// Within-run noise: the floor when there is no history

/** Fewest samples a time-ordered run is cut into blocks from (4 blocks of at least 2). */
const MIN_CHUNKED = 8

/**
 * The measurement blocks of a timed metric's samples, oldest first. `measureLatency` samples in
 * rounds and tinybench hands each round back sorted ascending, so a round is a maximal
 * non-decreasing run and a new round starts where a sample is smaller than the one before it.
 * Samples in time order (no such structure: about n/2 runs) are cut into 4 contiguous blocks
 * instead; fewer than {@link MIN_CHUNKED} such samples give no blocks, and so does one sorted
 * run (a single round: nothing says in which order its samples were taken).
 */
export function measurementBlocks(samples: readonly number[]): number[][] {
  const runs: number[][] = []
  let current: number[] = []
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as number
    if (i > 0 && x < (samples[i - 1] as number)) {
      runs.push(current)
      current = []
    }
    current.push(x)
  }
  if (current.length > 0) runs.push(current)
  // One sorted run: a single round, or samples sorted after the fact; either way no time order.
  if (runs.length === 1 && samples.length > 1) return []
  if (runs.length >= 2 && runs.length <= samples.length / 3) return runs
  if (samples.length < MIN_CHUNKED) return []
  const blocks: number[][] = []
  for (let b = 0; b < 4; b++)
    blocks.push(
      samples.slice(
        Math.floor((b * samples.length) / 4),
        Math.floor(((b + 1) * samples.length) / 4),
      ),
    )
  return blocks
}

/**
 * Run-to-run noise of a timed metric estimated from the two runs alone: the pooled sample sd of
 * log(block location) around each run's own mean (df = blocks − 2, `runs` = blocks). One block's
 * location stands in for a whole run's: a fresh process meets another load, JIT tier or clock, and
 * the blocks of one run, measured at different moments, meet some of that too. The block location
 * is noisier than the run's by sampling alone, which errs on the side of a higher floor (no
 * false alarms) rather than dividing by √blocks, which measured here ignores most of the
 * run-to-run drift. Undefined when either run has fewer than 2 blocks.
 */
export function withinRunNoise(
  baseline: readonly number[],
  candidate: readonly number[],
): RunNoise | undefined {
  let ss = 0
  let df = 0
  let blocks = 0
  for (const samples of [baseline, candidate]) {
    const logs = measurementBlocks(samples)
      .filter((b) => b.length > 0)
      .map((b) => timedLocation(b))
      .filter((m) => m > 0)
      .map(Math.log)
    if (logs.length < 2) return undefined
    ss += sd(logs) ** 2 * (logs.length - 1)
    df += logs.length - 1
    blocks += logs.length
  }
  return { sd: Math.sqrt(ss / df), df, runs: blocks }
}

function compareMetric(
  base: MetricAggregate,
  cand: MetricAggregate,
  seedLabel: string,
): Pick<
  MetricComparison,
  'baseline' | 'candidate' | 'ratio' | 'ratioLo' | 'ratioHi' | 'p' | 'test'
> {
  if (base.samples.length > 1 && cand.samples.length > 1) {
    const mw = mannWhitneyU(cand.samples, base.samples)
    const r = bootstrapRatioOfQuantiles(cand.samples, base.samples, TIMED_QUANTILE, {
      rng: new Rng(0).fork(seedLabel),
      resamples: 400,
    })
    return {
      baseline: timedLocation(base.samples),
      candidate: timedLocation(cand.samples),
      ratio: r.ratio,
      ratioLo: r.lo,
      ratioHi: r.hi,
      p: mw.p,
      test: 'mann-whitney',
    }
  }
  const ratio =
    base.mean === 0 ? (cand.mean === 0 ? 1 : Number.POSITIVE_INFINITY) : cand.mean / base.mean
  if (base.values.length > 1 && cand.values.length > 1) {
    const a = new Map(cand.values.map((v, i) => [i, v]))
    const b = new Map(base.values.map((v, i) => [i, v]))
    const paired = pairedBySeed(a, b)
    // Identical values over seeds (deterministic metrics): no evidence of change either way.
    const p = paired.p ?? (paired.mean === 0 ? 1 : 0)
    return {
      baseline: base.mean,
      candidate: cand.mean,
      ratio,
      p: Number.isNaN(p) ? 1 : p,
      test: 'paired-t',
    }
  }
  return { baseline: base.mean, candidate: cand.mean, ratio, p: Number.NaN, test: 'none' }
}

/**
 * Relative mode: every timed metric of a subject divided, trial by trial, by the location ({@link TIMED_QUANTILE}) of
 * the same metric of its suite's baseline subject at the same dataset point and repetition, which ran
 * right next to it. Machine drift between runs (frequency, noisy neighbours) moves both and
 * cancels; a change of one subject does not. The baseline subjects themselves are left out: they
 * are the yardstick, so a slowdown of a baseline shows up as every other subject improving.
 */
export function relativeToBaseline(
  records: readonly TrialRecord[],
  baselines: Readonly<Record<string, string>>,
): TrialRecord[] {
  const at = (r: TrialRecord) => canonicalJson([r.suite, r.dataset, r.repetition])
  const yardsticks = new Map<string, TrialRecord>()
  for (const r of records)
    if (r.status === 'ok' && baselines[r.suite] === r.subject.id) yardsticks.set(at(r), r)
  const out: TrialRecord[] = []
  for (const r of records) {
    const base = baselines[r.suite]
    if (base === undefined) {
      out.push(r)
      continue
    }
    if (r.subject.id === base) continue
    const y = yardsticks.get(at(r))
    const metrics: TrialRecord['metrics'] = {}
    for (const [name, m] of Object.entries(r.metrics)) {
      const ym = y?.metrics[name]
      if (!m.samples || m.samples.length < 2 || !ym?.samples || ym.samples.length === 0) continue
      const scale = timedLocation(ym.samples)
      if (!(scale > 0)) continue
      const samples = m.samples.map((x) => x / scale)
      metrics[name] = {
        value: timedLocation(samples),
        unit: `× ${base}`,
        better: m.better,
        samples,
      }
    }
    out.push({ ...r, metrics })
  }
  return out
}

/** Compare a candidate run's records against a baseline run's. */
export function regressionGate(
  baseline: readonly TrialRecord[],
  candidate: readonly TrialRecord[],
  options: GateOptions = {},
): GateResult {
  const alpha = options.alpha ?? 0.01
  const ignore = options.ignoreParams ?? ['injectSlowdown']
  const skipped: GateResult['skipped'] = []
  const comparisons: MetricComparison[] = []
  const baseEnvs = new Set(baseline.map((r) => r.envHash))
  const candEnvs = new Set(candidate.map((r) => r.envHash))
  // Noise of another machine says nothing about this one: history runs of other environments
  // are left out of the floors.
  const sameMachine = (options.history ?? []).filter((run) =>
    run.every((r) => candEnvs.has(r.envHash)),
  )
  const foreign = (options.history?.length ?? 0) - sameMachine.length
  if (foreign > 0)
    skipped.push({
      what: `${foreign} history run${foreign > 1 ? 's' : ''}`,
      why: 'from another environment; not used for floors',
    })
  const history: HistoryNoise = historyNoise(sameMachine, ignore)
  const sameEnv = [...candEnvs].every((e) => baseEnvs.has(e))
  const baseGroups = new Map(
    aggregate(baseline.filter((r) => r.status === 'ok')).map((g) => [identity(g, ignore), g]),
  )
  const candGroups = aggregate(candidate)

  for (const cand of candGroups) {
    const what = `${cand.suite}/${cand.subject.id} on ${cand.dataset.id}{${label({ ...cand.dataset.params, ...cand.subject.params })}}`
    if (cand.n === 0) {
      skipped.push({
        what,
        why: `no ok record in the candidate (${cand.failures[0]?.message ?? 'failed'})`,
      })
      continue
    }
    const base = baseGroups.get(identity(cand, ignore))
    if (!base) {
      skipped.push({ what, why: 'not in the baseline run' })
      continue
    }
    baseGroups.delete(identity(cand, ignore))
    for (const [metric, cm] of Object.entries(cand.metrics)) {
      const bm = base.metrics[metric]
      if (!bm) {
        skipped.push({ what: `${what} ${metric}`, why: 'metric not in the baseline run' })
        continue
      }
      const timed = cm.samples.length > 1
      const c = compareMetric(bm, cm, canonicalJson([cand.subject, cand.dataset, metric]))
      const worse = cm.better === 'lower' ? c.ratio - 1 : 1 - c.ratio
      let floor = timed ? (options.defaultTimedFloor ?? 0.05) : (options.defaultFloor ?? 0.01)
      let floorSource: MetricComparison['floorSource'] = 'default'
      let floorRuns: number | undefined
      let floorBlocks: number | undefined
      let unjudged = false
      if (options.floors?.[metric] !== undefined) {
        floor = options.floors[metric] as number
        floorSource = 'override'
      } else {
        const noise =
          history.group[`${identity(cand, ignore)}\u0000${metric}`] ?? history.metric[metric]
        if (noise !== undefined) {
          // Never below the default: a change under it is not worth waking anyone for.
          floor = Math.max(floor, noiseFloor(noise, alpha))
          floorSource = 'history'
          floorRuns = noise.runs
        } else if (timed && (options.withoutHistory ?? 'unjudged') === 'unjudged') {
          unjudged = true
        } else if (timed && options.withoutHistory === 'within-run') {
          const within = withinRunNoise(bm.samples, cm.samples)
          if (within !== undefined) {
            floor = Math.max(floor, noiseFloor(within, alpha))
            floorSource = 'within-run'
            floorBlocks = within.runs
          } else unjudged = true
        }
      }
      const significant = c.p < alpha
      let verdict: Verdict = 'unchanged'
      if (unjudged) verdict = 'unjudged'
      else if (significant && worse > floor) verdict = 'regressed'
      else if (significant && -worse > floor) verdict = 'improved'
      const ack = options.acknowledged?.find(
        (a) =>
          a.metric === metric &&
          (a.subject === undefined || a.subject === cand.subject.id) &&
          (a.suite === undefined || a.suite === cand.suite),
      )
      if (verdict === 'regressed' && ack) verdict = 'acknowledged'
      comparisons.push({
        suite: cand.suite,
        subject: cand.subject.id,
        dataset: cand.dataset.id,
        params: label({
          ...cand.dataset.params,
          ...Object.fromEntries(
            Object.entries(cand.subject.params).filter(([k]) => !ignore.includes(k)),
          ),
        }),
        metric,
        unit: cm.unit,
        better: cm.better,
        ...c,
        worse,
        floor,
        floorSource,
        ...(floorRuns !== undefined ? { floorRuns } : {}),
        ...(floorBlocks !== undefined ? { floorBlocks } : {}),
        verdict,
        ...(verdict === 'acknowledged' && ack ? { ackReason: ack.reason } : {}),
      })
    }
  }
  for (const base of baseGroups.values()) {
    skipped.push({
      what: `${base.suite}/${base.subject.id} on ${base.dataset.id}{${label({ ...base.dataset.params, ...base.subject.params })}}`,
      why: 'in the baseline run only',
    })
  }
  if (!sameEnv) {
    skipped.unshift({
      what: 'environment',
      why: `the runs come from different environments (${[...baseEnvs].join(', ')} vs ${[...candEnvs].join(', ')}); timings may not be comparable`,
    })
  }
  comparisons.sort((a, b) => b.worse - a.worse)
  const timedRatios = comparisons
    .filter((c) => c.test === 'mann-whitney' && c.better === 'lower' && c.ratio > 0)
    .map((c) => c.ratio)
  return {
    comparisons,
    skipped,
    ...(timedRatios.length > 0 ? { timedGeomean: geomeanRatio(timedRatios) } : {}),
    regressions: comparisons.filter((c) => c.verdict === 'regressed').length,
  }
}
