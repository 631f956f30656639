/**
 * Per-layer autotuning: prepare the kernel for each candidate tile, time a few runs with the
 * injected clock, keep the fastest. Tuning time (all prepares and timed runs) is reported apart
 * from the chosen kernel's own prepare time and its run time.
 */
import type { Clock, KernelTarget, PreparedKernel, PrepareOptions, Tile } from './types.ts'

export interface TuneOptions {
  /** @default defaultCandidates(target) */
  candidates?: Partial<Tile>[]
  clock: Clock
  /** Untimed runs before timing each candidate. @default 2 */
  warmup?: number
  /** Timed runs per candidate; the median decides. @default 5 */
  reps?: number
}

export type TuneTiming =
  | { status: 'ok'; tile: Tile; prepareMs: number; medianMs: number; samplesMs: number[] }
  | { status: 'error'; tile: Partial<Tile>; error: string }

export interface TuneResult {
  kernel: PreparedKernel
  tile: Tile
  timings: TuneTiming[]
  /** Everything the tuning took: every candidate's prepare and timed runs. */
  tuneMs: number
}

/** Candidate tiles per target: register-tile shapes that fit 16 vector registers. */
export function defaultCandidates(target: KernelTarget): Partial<Tile>[] {
  return target.name === 'native'
    ? [
        { rowBlock: 4, colVectors: 2 },
        { rowBlock: 2, colVectors: 4 },
        { rowBlock: 8, colVectors: 1 },
      ]
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

/** Picks the fastest candidate tile for W on a target; the other kernels are disposed. */
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
  const timings: TuneTiming[] = []
  let best: { kernel: PreparedKernel; ms: number } | undefined
  for (const tile of candidates) {
    let kernel: PreparedKernel
    try {
      kernel = await target.prepare(w, { ...options, tile, clock })
    } catch (e) {
      timings.push({ status: 'error', tile, error: (e as Error).message })
      continue
    }
    for (let i = 0; i < (tune.warmup ?? 2); i++) kernel.run(x, y)
    const samplesMs: number[] = []
    for (let i = 0; i < (tune.reps ?? 5); i++) {
      const s = clock()
      kernel.run(x, y)
      samplesMs.push(clock() - s)
    }
    const ms = median(samplesMs)
    timings.push({
      status: 'ok',
      tile: kernel.tile,
      prepareMs: kernel.prepareMs,
      medianMs: ms,
      samplesMs,
    })
    if (best === undefined || ms < best.ms) {
      best?.kernel.dispose()
      best = { kernel, ms }
    } else kernel.dispose()
  }
  if (best === undefined)
    throw new Error(
      `Cannot autotune on ${target.name}: every candidate failed (${timings.map((t) => (t.status === 'error' ? t.error : '')).join('; ')})`,
    )
  return { kernel: best.kernel, tile: best.kernel.tile, timings, tuneMs: clock() - t0 }
}
