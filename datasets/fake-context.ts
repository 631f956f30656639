/** A minimal TrialContext for tests of datasets and models (no harness needed). */
import { Rng } from '../harness/run/rng.ts'
import type { TrialContext } from '../harness/types.ts'

/** A quiet, deterministic TrialContext with a fake clock that advances 1 ms per call. */
export function fakeContext(seed = 0): TrialContext {
  let t = 0
  const cache = new Map<string, unknown>()
  return {
    seed,
    sharedSeed: seed,
    rng: new Rng(seed),
    profile: 'smoke',
    device: 'cpu',
    threads: 1,
    logger: { info() {}, warn() {}, debug() {} },
    progress: { update() {} },
    cache: {
      async getOrCreate<T>(key: unknown, make: () => Promise<T>): Promise<T> {
        const k = JSON.stringify(key)
        if (!cache.has(k)) cache.set(k, await make())
        return cache.get(k) as T
      },
    },
    signal: new AbortController().signal,
    now: () => t++,
    annotate() {},
  }
}
