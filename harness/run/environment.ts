/**
 * The run environment: everything a trial needs from the run around it, built once by
 * `createRunEnvironment()` and taken as it is by the runner, the trial executor, the child
 * process of `--isolate` and the contract test.
 *
 * It has two parts. `settings` is plain data (device, threads, code version, environment hash):
 * it goes into every record and is what a child process receives. The services (registries,
 * logger, progress, caches, clock, interrupt signal) live in one process only; a child builds its
 * own from the same settings.
 */
import { hashOf } from '../hash.ts'
import type { Registries } from '../registry.ts'
import type { ArtifactCache, Device, Logger, Progress } from '../types.ts'

/** The serialisable part of a run environment. */
export interface RunSettings {
  device: Device
  /** Threads per trial (intra-op). */
  threads: number
  /** Git commit (`-dirty` when tracked files changed); part of every trial key. */
  codeVersion: string
  /** Hash of the machine and package environment; part of every trial key. */
  envHash: string
}

/** Monotonic milliseconds and wall-clock ISO timestamps; injected so tests can fake them. */
export interface Clock {
  now(): number
  timestamp(): string
}

export const systemClock: Clock = {
  now: () => performance.now(),
  timestamp: () => new Date().toISOString(),
}

export interface RunEnvironment {
  readonly settings: RunSettings
  readonly registries: Registries
  readonly logger: Logger
  readonly progress: Progress
  /** Trained networks and other artifacts, shared by the trials of one process. */
  readonly cache: ArtifactCache
  /** Loaded datasets, shared by the trials of one process. */
  readonly datasets: DatasetCache
  readonly clock: Clock
  /** Aborted when the run is interrupted. */
  readonly signal?: AbortSignal | undefined
}

export interface RunServices {
  registries: Registries
  logger: Logger
  progress?: Progress
  clock?: Clock | undefined
  signal?: AbortSignal | undefined
}

const silentProgress: Progress = { update() {} }

/** The one constructor of a run environment: fresh caches, the system clock unless given one. */
export function createRunEnvironment(settings: RunSettings, services: RunServices): RunEnvironment {
  return {
    settings: { ...settings },
    registries: services.registries,
    logger: services.logger,
    progress: services.progress ?? silentProgress,
    cache: new MemoryCache(),
    datasets: new DatasetCache(),
    clock: services.clock ?? systemClock,
    signal: services.signal,
  }
}

/** The same environment reporting trial progress somewhere else (the runner's progress line). */
export function withProgress(env: RunEnvironment, progress: Progress): RunEnvironment {
  return { ...env, progress }
}

/** In-memory artifact cache: one `make` per key, concurrent callers share the promise. */
export class MemoryCache implements ArtifactCache {
  private readonly entries = new Map<string, Promise<unknown>>()
  getOrCreate<T>(key: unknown, make: () => Promise<T>): Promise<T> {
    const k = hashOf(key, 32)
    let p = this.entries.get(k)
    if (!p) {
      p = make()
      this.entries.set(k, p)
      p.catch(() => this.entries.delete(k))
    }
    return p as Promise<T>
  }
}

/** Keeps the few most recently used datasets (they can be large). */
export class DatasetCache {
  private readonly entries = new Map<string, Promise<unknown>>()
  constructor(private readonly capacity = 2) {}
  get(key: string, load: () => Promise<unknown>): Promise<unknown> {
    let p = this.entries.get(key)
    if (p) this.entries.delete(key)
    else {
      p = load()
      p.catch(() => this.entries.delete(key))
    }
    this.entries.set(key, p)
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
    }
    return p
  }
}
