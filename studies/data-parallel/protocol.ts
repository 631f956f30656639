/** Messages between the data-parallel trainer (main thread) and its worker replicas. */
import type { TfjsPreference } from '../../harness/backends/tfjs.ts'
import type { Exchange } from './exchange.ts'
import type { ReplicaSpec, TrainingArrays } from './replica.ts'

export type ToWorker =
  /** Build the replica, then run `warmup` gradients (discarded) so the new thread's JIT is warm. */
  | {
      type: 'init'
      spec: ReplicaSpec
      backend: TfjsPreference
      data: TrainingArrays
      warmup: number
      warmupRows: number
      /** This worker's replica index (1..replicas-1). */
      rank: number
      exchange: Exchange
    }
  /**
   * Take steps through the exchange (exchange.ts) until a step says LEAVE; `from` is the last
   * step already posted, `indices` the shared buffer replica 0 writes each batch's rows into.
   */
  | { type: 'run'; from: number; indices: Int32Array }
  /** Reply with the replica's flat weights. */
  | { type: 'weights' }

export type FromWorker =
  | { type: 'ready'; backend: string; size: number; initDigest: string }
  | { type: 'weights'; weights: Float32Array }
  | { type: 'error'; message: string }
