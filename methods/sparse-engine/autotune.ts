/**
 * Per-layer autotuning over a declared search space, with a selection rule meant to give the same
 * answer run after run on a loaded machine:
 *
 *   space     candidates in a fixed order, simplest first (fewer registers, no clustering, AVX2
 *             before AVX-512): `nativeSpace(isas)` / `defaultCandidates(target)`
 *   prepare   every candidate is generated and compiled (a failure is recorded, not fatal)
 *   time      `rounds` interleaved rounds after `warmup` untimed calls each: a round runs every
 *             candidate `burst` times back to back (its sample: the fastest of the burst, which
 *             drops calls another process preempted), starting one candidate later each round,
 *             so drift of the machine hits all alike; a candidate's score is the median of its
 *             rounds
 *   select    the first candidate in the declared order whose median is within `tolerance` of
 *             the best (ties to the simpler variant); no randomness (the activations are fixed)
 *
 * Tuning time (all prepares and timed runs) is reported apart from the chosen kernel's own
 * prepare time and its run time.
 */
import type { Clock, KernelTarget, PreparedKernel, PrepareOptions, Tile } from './types.ts'

/** One point of the search space: a register tile plus, on native x86, the ISA and row clustering. */
export interface Candidate extends Partial<Tile> {
  isa?: 'avx2' | 'avx512'
  clusterRows?: boolean
}

export interface TuneOptions {
  /** @default defaultCandidates(target) */
  candidates?: Candidate[]
  clock: Clock
  /** Untimed runs per candidate before the rounds. @default 2 */
  warmup?: number
  /** Interleaved timed rounds; the median decides. @default 7 */
  reps?: number
  /** Calls per candidate and round; the fastest is the round's sample. @default 3 */
  burst?: number
  /** Relative margin within which a simpler (earlier) candidate beats a faster one. @default 0.08 */
  tolerance?: number
}

export type TuneTiming =
  | {
      status: 'ok'
      candidate: Candidate
      variant: string
      tile: Tile
      prepareMs: number
      medianMs: number
      samplesMs: number[]
    }
  | { status: 'error'; candidate: Candidate; error: string }

export interface TuneResult {
  kernel: PreparedKernel
  tile: Tile
  /** Index of the chosen candidate in the declared space. */
  index: number
  variant: string
  timings: TuneTiming[]
  /** Everything the tuning took: every candidate's prepare and timed runs. */
  tuneMs: number
}

/** A kernel's variant as text: `avx512 8x2x3 clustered`. */
export function variantName(k: PreparedKernel): string {
  const t = k.tile
  return `${k.isa ?? k.target} ${t.rowBlock}x${t.colVectors}x${t.kBlocks}${k.clustered ? ' clustered' : ''}`
}

/**
 * The native x86 search space, simplest first: per ISA the register tiles that fit its vector
 * file, rows clustered by shared columns from 8-row blocks on (where one loaded X vector can
 * serve several rows at 90%).
 */
export function nativeSpace(isas: readonly ('avx2' | 'avx512')[]): Candidate[] {
  const out: Candidate[] = []
  for (const isa of isas)
    if (isa === 'avx2')
      out.push(
        { isa, rowBlock: 4, colVectors: 2 },
        { isa, rowBlock: 2, colVectors: 4 },
        { isa, rowBlock: 8, colVectors: 1 },
      )
    else
      out.push(
        { isa, rowBlock: 4, colVectors: 2 },
        { isa, rowBlock: 8, colVectors: 2, clusterRows: true },
        { isa, rowBlock: 12, colVectors: 2, clusterRows: true },
      )
  return out
}

/** Candidate tiles per target (native: the space of `isas`, AVX2 unless told). */
export function defaultCandidates(
  target: KernelTarget,
  isas: readonly ('avx2' | 'avx512')[] = ['avx2'],
): Candidate[] {
  return target.name === 'native'
    ? nativeSpace(isas)
    : [
        { rowBlock: 8, colVectors: 1 },
        { rowBlock: 4, colVectors: 2 },
        { rowBlock: 2, colVectors: 4 },
      ]
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** Index of the chosen score: the first within `tolerance` of the minimum. */
export function selectStable(scores: readonly number[], tolerance: number): number {
  if (scores.length === 0) throw new RangeError('Cannot select from no scores')
  const best = Math.min(...scores)
  return scores.findIndex((s) => s <= best * (1 + tolerance))
}

function prepareCandidate(
  target: KernelTarget,
  w: Float32Array,
  options: Omit<PrepareOptions, 'tile' | 'clock'>,
  c: Candidate,
  clock: Clock,
): Promise<PreparedKernel> {
  const { isa, clusterRows, ...tile } = c
  return target.prepare(w, {
    ...options,
    tile,
    clock,
    ...(isa ? { isa } : {}),
    ...(clusterRows !== undefined ? { clusterRows } : {}),
  })
}

/** Picks a candidate for W on a target by the stable rule above; the other kernels are disposed. */
export async function autotune(
  target: KernelTarget,
  w: Float32Array,
  options: Omit<PrepareOptions, 'tile' | 'clock'>,
  tune: TuneOptions,
): Promise<TuneResult> {
  const { clock } = tune
  const t0 = clock()
  const candidates = tune.candidates ?? defaultCandidates(target)
  if (candidates.length === 0) throw new RangeError('Cannot autotune: no candidate tiles')
  // Activations only set the work; deterministic values keep tuning free of randomness.
  const x = new Float32Array(options.K * options.N)
  for (let i = 0; i < x.length; i++) x[i] = ((i % 13) - 6) / 8
  const y = new Float32Array(options.M * options.N)
  const prepared: { index: number; kernel: PreparedKernel; samples: number[] }[] = []
  const errors = new Map<number, string>()
  try {
    for (const [index, c] of candidates.entries()) {
      try {
        prepared.push({
          index,
          kernel: await prepareCandidate(target, w, options, c, clock),
          samples: [],
        })
      } catch (e) {
        errors.set(index, (e as Error).message)
      }
    }
    if (prepared.length === 0)
      throw new Error(
        `Cannot autotune on ${target.name}: every candidate failed (${[...errors.values()].join('; ')})`,
      )
    for (const p of prepared) for (let i = 0; i < (tune.warmup ?? 2); i++) p.kernel.run(x, y)
    const rounds = tune.reps ?? 7
    for (let r = 0; r < rounds; r++)
      for (let j = 0; j < prepared.length; j++) {
        const p = prepared[(r + j) % prepared.length] as (typeof prepared)[number]
        let fastest = Number.POSITIVE_INFINITY
        for (let b = 0; b < (tune.burst ?? 3); b++) {
          const s = clock()
          p.kernel.run(x, y)
          fastest = Math.min(fastest, clock() - s)
        }
        p.samples.push(fastest)
      }
  } catch (e) {
    for (const p of prepared) p.kernel.dispose()
    throw e
  }
  const scores = prepared.map((p) => median(p.samples))
  const chosen = prepared[selectStable(scores, tune.tolerance ?? 0.08)] as (typeof prepared)[number]
  for (const p of prepared) if (p !== chosen) p.kernel.dispose()
  const timings: TuneTiming[] = candidates.map((candidate, index) => {
    const p = prepared.find((q) => q.index === index)
    return p
      ? {
          status: 'ok',
          candidate,
          variant: variantName(p.kernel),
          tile: p.kernel.tile,
          prepareMs: p.kernel.prepareMs,
          medianMs: median(p.samples),
          samplesMs: p.samples,
        }
      : { status: 'error', candidate, error: errors.get(index) ?? 'not prepared' }
  })
  return {
    kernel: chosen.kernel,
    tile: chosen.kernel.tile,
    index: chosen.index,
    variant: variantName(chosen.kernel),
    timings,
    tuneMs: clock() - t0,
  }
}
