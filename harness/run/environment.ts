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
import { cacheNotes } from '../messages.ts'
import type { Registries } from '../registry.ts'
import { ArtifactStore, type ArtifactStoreSettings } from '../store/artifacts.ts'
import type { ArtifactCache, ArtifactCodec, Device, Logger, Progress } from '../types.ts'

/** The serialisable part of a run environment. */
export interface RunSettings {
  device: Device
  /** Threads per trial (intra-op). */
  threads: number
  /** Git commit (`-dirty` when tracked files changed); part of every trial key. */
  codeVersion: string
  /** Hash of the machine and package environment; part of every trial key. */
  envHash: string
  /** The persistent artifact cache; absent, artifacts live in memory for one process only. */
  artifactStore?: ArtifactStoreSettings | undefined
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
  /**
   * Trained networks and other artifacts, shared by the trials of one process, and through the
   * persistent store (when the settings name one) by later runs and other processes.
   */
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
    cache: new MemoryCache(persistentStore(settings, services.logger)),
    datasets: new DatasetCache(),
    clock: services.clock ?? systemClock,
    signal: services.signal,
  }
}

/** The same environment reporting trial progress somewhere else (the runner's progress line). */
export function withProgress(env: RunEnvironment, progress: Progress): RunEnvironment {
  return { ...env, progress }
}

/** The persistent side of a `MemoryCache`: the store and what goes into every address. */
export interface PersistentCache {
  store: ArtifactStore
  codeVersion: string
  envHash: string
  logger: Logger
}

function persistentStore(settings: RunSettings, logger: Logger): PersistentCache | undefined {
  const s = settings.artifactStore
  if (!s) return undefined
  return {
    store: new ArtifactStore(s.dir, s.maxBytes),
    codeVersion: s.codeVersion,
    envHash: settings.envHash,
    logger,
  }
}

/**
 * Artifact cache: one `make` per key in this process, concurrent callers share the promise.
 * With a persistent store, an artifact with a codec is looked up on disk first (address: its key,
 * the codec's name and version, the code version and the environment hash) and written there
 * once made; an entry that fails its checksum or its decode is reported in one line and rebuilt.
 */
export class MemoryCache implements ArtifactCache {
  private readonly entries = new Map<string, Promise<unknown>>()
  constructor(private readonly persistent?: PersistentCache) {}

  getOrCreate<T>(key: unknown, make: () => Promise<T>, codec?: ArtifactCodec<T>): Promise<T> {
    const k = hashOf(key, 32)
    let p = this.entries.get(k)
    if (!p) {
      p = codec && this.persistent ? this.throughStore(key, make, codec, this.persistent) : make()
      this.entries.set(k, p)
      p.catch(() => this.entries.delete(k))
    }
    return p as Promise<T>
  }

  private async throughStore<T>(
    key: unknown,
    make: () => Promise<T>,
    codec: ArtifactCodec<T>,
    { store, codeVersion, envHash, logger }: PersistentCache,
  ): Promise<T> {
    const codecId = `${codec.name}@${codec.version}`
    const address = hashOf({ key, codec: codecId, codeVersion, envHash }, 40)
    const found = store.read(address)
    if (found.status === 'hit') {
      try {
        const value = await codec.decode(found.bytes)
        logger.debug(cacheNotes.hit(codec.name, address))
        return value
      } catch (e) {
        store.remove(address)
        logger.warn(cacheNotes.corrupt(codec.name, address, (e as Error).message))
      }
    } else if (found.status === 'corrupt') {
      logger.warn(cacheNotes.corrupt(codec.name, address, found.reason))
    }
    const value = await make()
    try {
      store.write(address, await codec.encode(value), { artifact: codecId, codeVersion })
    } catch (e) {
      // A full disk or a read-only cache costs a rebuild next time, never the trial.
      logger.warn(cacheNotes.writeFailed(codec.name, store.dir, (e as Error).message))
    }
    return value
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
