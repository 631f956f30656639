/** A trial context for tests and quick experiments (seeded, silent, real clock). */
import { performance } from 'node:perf_hooks'
import { Rng } from '../../harness/run/rng.ts'
import type { TrialContext } from '../../harness/types.ts'

export function testContext(seed = 1, sharedSeed = seed): TrialContext {
  const silent = { info() {}, warn() {}, debug() {} }
  return {
    seed,
    sharedSeed,
    rng: new Rng(seed),
    profile: 'smoke',
    device: 'cpu',
    threads: 1,
    logger: silent,
    progress: { update() {} },
    cache: { getOrCreate: (_key, make) => make() },
    signal: new AbortController().signal,
    now: () => performance.now(),
    annotate() {},
  }
}
