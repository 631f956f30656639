/**
 * A data-parallel worker: initialises its own tfjs backend (the training kernels registered, as
 * on the main thread), builds the replica from the shared spec and seed, then answers requests
 * in order; on `run` it takes steps through the shared exchange (exchange.ts), blocking in
 * Atomics.wait between them, until a step says LEAVE. Any failure is posted back as one line
 * (after marking the step failed, so replica 0 stops waiting) and ends the loop.
 */
import { parentPort } from 'node:worker_threads'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { firstLine } from '../../harness/messages.ts'
import {
  APPLY,
  COUNT,
  DONE,
  type Exchange,
  failed as failedStep,
  LEAVE,
  MODE,
  markDone,
  markUpdated,
  parts,
  range,
  SEQ,
  shard,
  slot,
  updatedAt,
  waitUntil,
} from './exchange.ts'
import type { FromWorker, ToWorker } from './protocol.ts'
import { digest, Replica } from './replica.ts'

const port = parentPort
if (!port) throw new Error('Cannot start a data-parallel worker outside a worker thread')

let replica: Replica | undefined
let exchange: Exchange | undefined
let rank = 0
let failed = false

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

/** Steps until LEAVE (see exchange.ts). */
function run(r: Replica, ex: Exchange, from: number, indices: Int32Array): void {
  const c = ex.control
  let seen = from
  for (;;) {
    Atomics.wait(c, SEQ, seen)
    const seq = Atomics.load(c, SEQ)
    seen = seq
    const mode = Atomics.load(c, MODE)
    if (mode === LEAVE) return
    const n = Atomics.load(c, COUNT)
    const [lo, hi] = shard(n, rank, ex.replicas)
    try {
      const g = r.gradient(indices.subarray(lo, hi), slot(ex, seq, rank))
      ex.stats[2 * rank] = g.loss
      ex.stats[2 * rank + 1] = g.correct
    } catch (e) {
      markDone(ex, seq, rank, true)
      throw e
    }
    markDone(ex, seq, rank, false)
    let ok = true
    for (let j = 0; j < ex.replicas; j++) {
      if (j === rank) continue
      waitUntil(ex, DONE + j, seq)
      ok &&= !failedStep(ex, seq, j)
    }
    if (!ok || mode !== APPLY) continue
    const [from, to] = range(ex, rank)
    r.updateRange(parts(ex, seq, n), n, from, to)
    markUpdated(ex, seq, rank)
    for (let j = 0; j < ex.replicas; j++)
      if (j !== rank) waitUntil(ex, updatedAt(ex.replicas, j), seq)
    r.writeVariables()
  }
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      const rt = await initTfjs({ prefer: m.backend })
      replica = new Replica(m.spec, m.data)
      exchange = m.exchange
      rank = m.rank
      replica.warmUp(m.warmup, m.warmupRows)
      const initDigest = digest(replica.weights())
      // Replica 0 has written the same values (checked by the digest) before posting init.
      if (replica.size === exchange.size) replica.shareParams(exchange.params, false)
      post({ type: 'ready', backend: rt.backend, size: replica.size, initDigest })
      return
    }
    case 'run':
      if (!replica || !exchange) throw new Error('the replica is not initialised')
      run(replica, exchange, m.from, m.indices)
      return
    case 'weights': {
      if (!replica) throw new Error('the replica is not initialised')
      const weights = replica.weights()
      post({ type: 'weights', weights }, [weights.buffer as ArrayBuffer])
      return
    }
  }
}

// Messages are handled one at a time, in arrival order (init is async).
let queue: Promise<void> = Promise.resolve()
port.on('message', (m: ToWorker) => {
  queue = queue.then(async () => {
    if (failed) return
    try {
      await handle(m)
    } catch (e) {
      failed = true
      post({ type: 'error', message: firstLine(e) })
    }
  })
})
