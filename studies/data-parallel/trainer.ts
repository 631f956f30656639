/**
 * Data-parallel training over Node worker threads, for backends that train on one thread (tfjs
 * wasm under Node). k replicas: replica 0 on the calling thread, 1..k-1 in worker threads, each
 * with its own tfjs backend, the same network from the same seed, and its own optimizer.
 *
 *   start:  share the training set (SharedArrayBuffer) -> each worker initialises tfjs, builds
 *           the replica, warms up (discarded gradients, optional) -> the initial weights'
 *           digests must match replica 0's
 *   step:   split the mini-batch into k contiguous shards -> post each worker its shard's rows
 *           -> replica 0 computes its shard meanwhile -> gather the shard gradients
 *           -> average them weighted by shard size, in replica order (fixed, so a seed gives
 *           the same result bit for bit) -> post the average (transferred) -> every replica
 *           applies it with its own optimizer (in parallel: no weights are broadcast)
 *   end:    terminate every worker (also on error and on abort)
 *
 * Replicating the optimizer costs each replica the update (elementwise Adam, a few ms on LeNet-5)
 * but moves only one gradient each way per step; holding it on the main thread would add a
 * weights broadcast and serialise the update behind the workers' idle time.
 */
import { Worker } from 'node:worker_threads'
import type { TfjsPreference } from '../../harness/backends/tfjs.ts'
import type { Rng } from '../../harness/run/rng.ts'
import type { FromWorker, ToWorker } from './protocol.ts'
import {
  digest,
  Replica,
  type ReplicaSpec,
  type ShardGradient,
  type TrainingArrays,
} from './replica.ts'

const ENTRY = new URL('./worker-entry.mjs', import.meta.url)

function firstLine(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').trim()
}

/** One worker thread and its in-order request/reply channel. */
class WorkerReplica {
  private readonly worker: Worker
  private readonly waiting: {
    resolve: (m: FromWorker) => void
    reject: (e: Error) => void
  }[] = []
  private failure: Error | undefined
  private closed = false

  constructor(readonly index: number) {
    this.worker = new Worker(ENTRY)
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') return this.fail(m.message)
      this.waiting.shift()?.resolve(m)
    })
    this.worker.on('error', (e) => this.fail(firstLine(e)))
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(`exited with code ${code}`)
    })
  }

  private fail(reason: string): void {
    if (this.failure) return
    this.failure = new Error(
      `Cannot train data-parallel: worker ${this.index} failed (${reason.replaceAll('\n', ' ')})`,
    )
    for (const w of this.waiting.splice(0)) w.reject(this.failure)
  }

  /** Posts without waiting for a reply; a failure surfaces at the next request. */
  send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure
    this.worker.postMessage(message, transfer)
  }

  request(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.worker.postMessage(message, transfer)
    })
  }

  /** Terminates the thread; a request still waiting rejects with `reason`. */
  async close(reason?: unknown): Promise<void> {
    this.closed = true
    const error =
      reason instanceof Error
        ? reason
        : new Error(`Cannot train data-parallel: worker ${this.index} was closed`)
    this.failure ??= error
    for (const w of this.waiting.splice(0)) w.reject(error)
    await this.worker.terminate()
  }
}

function expect<T extends FromWorker['type']>(
  m: FromWorker,
  type: T,
): Extract<FromWorker, { type: T }> {
  if (m.type !== type)
    throw new Error(`Cannot train data-parallel: expected "${type}", got "${m.type}"`)
  return m as Extract<FromWorker, { type: T }>
}

/** The training set copied into SharedArrayBuffers, readable by every thread without a copy. */
function share(data: TrainingArrays): TrainingArrays {
  const x = new Float32Array(new SharedArrayBuffer(data.x.byteLength))
  x.set(data.x)
  const y = new Int32Array(new SharedArrayBuffer(data.y.byteLength))
  y.set(data.y)
  return { x, xShape: [...data.xShape], y }
}

export interface DataParallelOptions {
  /** Replicas, the calling thread included. */
  replicas: number
  /** The tfjs backend the workers prefer (the calling thread's is already set). */
  backend: TfjsPreference
  /** Stops start() and every step; workers are terminated. */
  signal?: AbortSignal
  /**
   * Gradients each replica computes and discards at start (on `warmupRows` rows) so that the
   * new threads' JavaScript is optimised before training is timed. @default 0
   */
  warmup?: number
  /** @default 32 */
  warmupRows?: number
}

/** Replica 0 here plus k-1 worker replicas; see the module comment. Close it when done. */
export class DataParallel {
  private constructor(
    readonly local: Replica,
    private readonly workers: WorkerReplica[],
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Builds replica 0 on the calling thread (its tfjs backend must be active), then starts the
   * workers and waits until each holds the same initial weights. `data` is shared with the
   * workers (copied once into SharedArrayBuffers).
   */
  static async start(
    spec: ReplicaSpec,
    data: TrainingArrays,
    options: DataParallelOptions,
  ): Promise<DataParallel> {
    if (!Number.isInteger(options.replicas) || options.replicas < 1)
      throw new RangeError(
        `Cannot train data-parallel: replicas must be >= 1, got ${options.replicas}`,
      )
    options.signal?.throwIfAborted()
    const shared = options.replicas > 1 ? share(data) : data
    const local = new Replica(spec, shared)
    const workers = Array.from({ length: options.replicas - 1 }, (_, i) => new WorkerReplica(i + 1))
    const dp = new DataParallel(local, workers, options.signal)
    try {
      const onAbort = () => void dp.close(options.signal?.reason)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const expected = digest(local.weights())
        const starting = Promise.all(
          workers.map((w) =>
            w.request({
              type: 'init',
              spec,
              backend: options.backend,
              data: shared,
              warmup: options.warmup ?? 0,
              warmupRows: options.warmupRows ?? 32,
            }),
          ),
        )
        // Replica 0 warms up while the workers start (they post nothing before they are ready).
        starting.catch(() => {})
        local.warmUp(options.warmup ?? 0, options.warmupRows ?? 32)
        const ready = await starting
        options.signal?.throwIfAborted()
        ready.forEach((m, i) => {
          const r = expect(m, 'ready')
          if (r.initDigest !== expected || r.size !== local.size)
            throw new Error(
              `Cannot train data-parallel: worker ${i + 1} built different initial weights (digest ${r.initDigest}, expected ${expected})`,
            )
        })
      } finally {
        options.signal?.removeEventListener('abort', onAbort)
      }
      return dp
    } catch (e) {
      await dp.close()
      throw e
    }
  }

  get replicas(): number {
    return this.workers.length + 1
  }

  /**
   * The gradient of the mean loss over the rows `batch`, averaged over the replicas' shards
   * (weighted by shard size, in replica order), with the batch's mean loss and correct count.
   */
  async gradient(batch: ArrayLike<number>): Promise<ShardGradient> {
    this.signal?.throwIfAborted()
    const k = this.replicas
    const n = batch.length
    const shards = Array.from({ length: k }, (_, r) =>
      Int32Array.from({ length: Math.floor(((r + 1) * n) / k) - Math.floor((r * n) / k) }, (_, i) =>
        Number(batch[Math.floor((r * n) / k) + i]),
      ),
    )
    const pending = this.workers.map((w, i) => {
      const rows = shards[i + 1] as Int32Array
      return rows.length > 0
        ? w.request({ type: 'gradient', indices: rows }, [rows.buffer as ArrayBuffer])
        : undefined
    })
    // Awaited below; until then a rejection (the worker failing, close()) must not go unhandled.
    for (const p of pending) p?.catch(() => {})
    const parts: ShardGradient[] = []
    const own = shards[0] as Int32Array
    if (own.length > 0) parts.push(this.local.gradient(own))
    for (const p of pending) {
      if (!p) continue
      const m = expect(await p, 'gradient')
      parts.push({ grads: m.grads, loss: m.loss, correct: m.correct, count: m.count })
    }
    const grads = new Float32Array(this.local.size)
    let loss = 0
    let correct = 0
    for (const part of parts) {
      const w = part.count / n
      const g = part.grads
      for (let i = 0; i < grads.length; i++) grads[i] = (grads[i] as number) + w * (g[i] as number)
      loss += w * part.loss
      correct += part.correct
    }
    return { grads, loss, correct, count: n }
  }

  /** Every replica applies `grads` (the workers concurrently with this thread). */
  apply(grads: Float32Array): void {
    this.workers.forEach((w, i) => {
      // The last worker takes the buffer itself once replica 0 has read it.
      const last = i === this.workers.length - 1
      const copy = last ? undefined : grads.slice()
      if (copy) w.send({ type: 'apply', grads: copy }, [copy.buffer as ArrayBuffer])
    })
    this.local.apply(grads)
    const last = this.workers.at(-1)
    if (last) last.send({ type: 'apply', grads }, [grads.buffer as ArrayBuffer])
  }

  /** One training step on the rows `batch`: averaged gradient, then the same update everywhere. */
  async step(batch: ArrayLike<number>): Promise<ShardGradient> {
    const g = await this.gradient(batch)
    const stats = { ...g, grads: g.grads.slice(0, 0) }
    this.apply(g.grads)
    return stats
  }

  /** Each replica's flat weights, replica 0 first (to check they agree). */
  async weights(): Promise<Float32Array[]> {
    const others = await Promise.all(this.workers.map((w) => w.request({ type: 'weights' })))
    return [this.local.weights(), ...others.map((m) => expect(m, 'weights').weights)]
  }

  /**
   * Terminates the workers (replica 0 stays the caller's: `local.dispose()` frees it); a step
   * still waiting on a worker rejects with `reason`.
   */
  async close(reason?: unknown): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(reason)))
  }
}

export interface DataParallelTrainOptions {
  /** Shuffles the examples each epoch (forked as 'shuffle', as models/train.ts does). */
  rng: Rng
  epochs: number
  batchSize: number
  signal?: AbortSignal
  /** Monotonic clock in milliseconds. @default performance.now */
  now?: () => number
  onEpoch?: (log: { epoch: number; loss: number; accuracy: number; seconds: number }) => void
}

export interface DataParallelTrainResult {
  samplesPerSecond: number
  /** Training seconds over all epochs (worker start-up excluded). */
  seconds: number
  /** Mean training loss of the last epoch. */
  finalLoss: number
}

/** Trains the replicas on `n` examples for `epochs` epochs of seeded shuffled mini-batches. */
export async function trainDataParallel(
  dp: DataParallel,
  n: number,
  options: DataParallelTrainOptions,
): Promise<DataParallelTrainResult> {
  if (n <= 0) throw new RangeError('Cannot train: the training set is empty')
  const now = options.now ?? (() => performance.now())
  const shuffleRng = options.rng.fork('shuffle')
  const order = Array.from({ length: n }, (_, i) => i)
  let ms = 0
  let finalLoss = Number.NaN
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    shuffleRng.shuffle(order)
    const start = now()
    let lossSum = 0
    let correct = 0
    for (let b = 0; b < n; b += options.batchSize) {
      options.signal?.throwIfAborted()
      const batch = order.slice(b, b + options.batchSize)
      const s = await dp.step(batch)
      lossSum += s.loss * s.count
      correct += s.correct
    }
    const seconds = (now() - start) / 1000
    ms += seconds * 1000
    finalLoss = lossSum / n
    options.onEpoch?.({ epoch, loss: finalLoss, accuracy: correct / n, seconds })
  }
  const seconds = ms / 1000
  return { samplesPerSecond: seconds > 0 ? (n * options.epochs) / seconds : 0, seconds, finalLoss }
}
