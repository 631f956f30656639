/**
 * The contracts between the harness and what it runs: datasets, models, subjects (methods and
 * baselines), the per-trial context and the metrics a subject returns.
 *
 * The harness knows no dataset, model or subject by name; effbench.ts hands it explicit lists.
 */
import type { z } from 'zod'
import type { Rng } from './run/rng.ts'

/** Which way a metric improves. */
export const Better = { higher: 'higher', lower: 'lower' } as const
export type Better = keyof typeof Better

/** One named measurement of a trial. Timed metrics keep every raw sample. */
export interface Metric {
  value: number
  unit: string
  better: Better
  /** Raw samples (e.g. per-iteration latencies); `value` is their summary (median for timings). */
  samples?: number[]
}
export type Metrics = Record<string, Metric>

export interface Logger {
  info(message: string): void
  warn(message: string): void
  debug(message: string): void
}

/** Progress inside a trial (epochs, batches); shown by the runner, never required. */
export interface Progress {
  update(done: number, total: number, label?: string): void
}

/**
 * How an artifact becomes bytes and back, for the persistent cache. `decode(encode(v))` must be
 * `v` bit for bit where it matters (weights, logits); `name` and `version` go into the entry's
 * address, so bump `version` when the format or the producing code's meaning changes.
 */
export interface ArtifactCodec<T> {
  name: string
  version: number
  encode(value: T): Uint8Array | Promise<Uint8Array>
  decode(bytes: Uint8Array): T | Promise<T>
}

/**
 * Trained networks and other expensive artifacts, keyed by the hash of their config. With a
 * codec, the artifact is also kept on disk (when the run has a persistent cache), so later runs,
 * `--isolate` children and other shards on this machine reuse it.
 */
export interface ArtifactCache {
  getOrCreate<T>(key: unknown, make: () => Promise<T>, codec?: ArtifactCodec<T>): Promise<T>
}

/** The profiles a suite can declare, smallest first; the schema and the CLI both use this list. */
export const PROFILES = ['smoke', 'default', 'paper'] as const
export type Profile = (typeof PROFILES)[number]
/** The devices a run can ask for; `gpu` stops with an error where no GPU build is installed. */
export const DEVICES = ['cpu', 'gpu'] as const
export type Device = (typeof DEVICES)[number]

/** What a subject or dataset receives for one trial. */
export interface TrialContext {
  /** Seed derived from (root seed, trial config key). */
  seed: number
  /**
   * Seed shared by every subject at this dataset point and repetition: use it for artifacts that
   * several subjects reuse (a pre-trained network, a split), so they see the same one.
   */
  sharedSeed: number
  /** Seeded generator; the only source of randomness a subject may use. */
  rng: Rng
  profile: Profile
  device: Device
  /** Threads the subject may use (intra-op). */
  threads: number
  logger: Logger
  progress: Progress
  cache: ArtifactCache
  /** Aborted when the trial times out or the run is interrupted. */
  signal: AbortSignal
  /** Monotonic clock in milliseconds (injected; tests may fake it). */
  now(): number
  /** Attach a fact to the trial's record (backend name, versions, thread counts). */
  annotate(key: string, value: string | number | boolean): void
}

/** A loaded dataset; `data` is whatever the dataset's users agree on. */
export interface Dataset<T = unknown> {
  name: string
  data: T
}

export interface DatasetDef<P = unknown, T = unknown> {
  name: string
  description: string
  /** Bump when the generated or loaded content changes; goes into every trial key. */
  version: string
  params: z.ZodType<P>
  load(ctx: TrialContext, params: P): Promise<T>
}

export interface ModelDef<P = unknown, M = unknown> {
  name: string
  description: string
  params: z.ZodType<P>
  build(params: P): M
}

export type SubjectKind = 'method' | 'baseline'

export interface SubjectInput<P, T = unknown> {
  params: P
  dataset: Dataset<T>
}

/** A method or a baseline: same contract. */
export interface SubjectDef<P = unknown, T = unknown> {
  name: string
  kind: SubjectKind
  description: string
  params: z.ZodType<P>
  run(ctx: TrialContext, input: SubjectInput<P, T>): Promise<Metrics>
}

// biome-ignore lint/suspicious/noExplicitAny: registries hold definitions of any parameter type
export type AnySubject = SubjectDef<any, any>
// biome-ignore lint/suspicious/noExplicitAny: registries hold definitions of any parameter type
export type AnyDataset = DatasetDef<any, any>
// biome-ignore lint/suspicious/noExplicitAny: registries hold definitions of any parameter type
export type AnyModel = ModelDef<any, any>

/** Helper for subjects: build a metric. */
export function metric(value: number, unit: string, better: Better, samples?: number[]): Metric {
  return samples ? { value, unit, better, samples } : { value, unit, better }
}

/** Thrown by a subject that cannot run here (no compiler, no GPU): recorded as `skipped`. */
export class TrialSkipped extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'TrialSkipped'
  }
}
