/** Messages between the data-parallel trainer (main thread) and its worker replicas. */
import type { TfjsPreference } from '../../harness/backends/tfjs.ts'
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
    }
  /** Compute the gradient on these training rows and reply with it. */
  | { type: 'gradient'; indices: Int32Array }
  /** Apply this averaged gradient (no reply). */
  | { type: 'apply'; grads: Float32Array }
  /** Reply with the replica's flat weights. */
  | { type: 'weights' }

export type FromWorker =
  | { type: 'ready'; backend: string; size: number; initDigest: string }
  | { type: 'gradient'; grads: Float32Array; loss: number; correct: number; count: number }
  | { type: 'weights'; weights: Float32Array }
  | { type: 'error'; message: string }
