/**
 * A data-parallel worker: initialises its own tfjs backend (the training kernels registered, as
 * on the main thread), builds the replica from the shared spec and seed, then answers gradient,
 * apply and weights requests in order. Any failure is posted back as one line and ends the loop.
 */
import { parentPort } from 'node:worker_threads'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import type { FromWorker, ToWorker } from './protocol.ts'
import { digest, Replica } from './replica.ts'

const port = parentPort
if (!port) throw new Error('Cannot start a data-parallel worker outside a worker thread')

let replica: Replica | undefined
let failed = false

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

function firstLine(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').trim()
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      const rt = await initTfjs({ prefer: m.backend })
      replica = new Replica(m.spec, m.data)
      replica.warmUp(m.warmup, m.warmupRows)
      post({
        type: 'ready',
        backend: rt.backend,
        size: replica.size,
        initDigest: digest(replica.weights()),
      })
      return
    }
    case 'gradient': {
      if (!replica) throw new Error('the replica is not initialised')
      const g = replica.gradient(m.indices)
      post({ type: 'gradient', ...g }, [g.grads.buffer as ArrayBuffer])
      return
    }
    case 'apply':
      if (!replica) throw new Error('the replica is not initialised')
      replica.apply(m.grads)
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
