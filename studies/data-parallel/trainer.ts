/**
 * Data-parallel training over Node worker threads, for backends that train on one thread (tfjs
 * wasm under Node). k replicas: replica 0 on the calling thread, 1..k-1 in worker threads, each
 * with its own tfjs backend, the same network from the same seed, and its own optimizer.
 *
 *   start:  share the training set (SharedArrayBuffer) -> each worker initialises tfjs, builds
 *           the replica, warms up (discarded gradients, optional) -> the initial weights'
 *           digests must match replica 0's
 *   step:   (no message: shared memory, exchange.ts) replica 0 writes the batch's rows and
 *           wakes the workers -> each replica computes its contiguous shard's gradient straight
 *           into its own shared slot -> a barrier (Atomics) -> every replica averages the slots
 *           weighted by shard size, in replica order (fixed, so a seed gives the same result
 *           bit for bit, and every replica the same average without it being sent) on its own
 *           range of the values and takes its optimizer's step there, on parameters shared
 *           by all -> a second barrier -> every replica writes them into its variables
 *   end:    terminate every worker (also on error and on abort)
 *
 * The update is split between the replicas (flat Adam and the averaging, ~1 ms a step on
 * LeNet-5 for one replica, ~0.5 ms each for two) rather than held by the main thread, which
 * would serialise it behind the workers' idle time. Before the shared exchange, each step
 * posted the rows, the shard gradient and the average (108k floats each way), and every replica
 * repeated the whole update: ~2-3 ms a step of waiting, copying and duplicated work.
 */
import { Worker } from 'node:worker_threads'
import type { TfjsPreference } from '../../harness/backends/tfjs.ts'
import { firstLine } from '../../harness/messages.ts'
import type { Rng } from '../../harness/run/rng.ts'
import {
  APPLY,
  COUNT,
  createExchange,
  DONE,
  type Exchange,
  failed,
  GRADIENT,
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
} from './exchange.ts'
import type { FromWorker, ToWorker } from './protocol.ts'
import {
  averageInto,
  digest,
  Replica,
  type ReplicaSpec,
  type ShardGradient,
  type TrainingArrays,
} from './replica.ts'

/** Atomics.waitAsync (Node >= 16; not yet in TypeScript's es2022 lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> }
  }
).waitAsync

const ENTRY = new URL('./worker-entry.mjs', import.meta.url)

/** One worker thread and its in-order request/reply channel. */
class WorkerReplica {
  private readonly worker: Worker
  private readonly waiting: {
    resolve: (m: FromWorker) => void
    reject: (e: Error) => void
  }[] = []
  private failure: Error | undefined
  private closed = false
  private rejectFailed: (e: Error) => void = () => {}
  /** Rejects with the worker's failure (its one-line message) once there is one. */
  readonly failed: Promise<never>

  constructor(readonly index: number) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject
    })
    this.failed.catch(() => {})
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
    this.rejectFailed(this.failure)
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
    if (!this.failure) {
      this.failure = error
      this.rejectFailed(error)
    }
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
  /** The last step posted through the exchange (LEAVE included). */
  private seq = 0
  /** The last step that computed gradients. */
  private stepped = 0
  /** Whether the workers are taking steps (in exchange.ts's loop) rather than reading messages. */
  private running = false
  /** Shared row indices of the current batch (grows when a batch is longer). */
  private indices: Int32Array

  private constructor(
    readonly local: Replica,
    private readonly workers: WorkerReplica[],
    private readonly exchange: Exchange,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.indices = new Int32Array(new SharedArrayBuffer(4 * 256))
  }

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
    const exchange = createExchange(options.replicas, local.size)
    local.shareParams(exchange.params, true)
    const workers = Array.from({ length: options.replicas - 1 }, (_, i) => new WorkerReplica(i + 1))
    const dp = new DataParallel(local, workers, exchange, options.signal)
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
              rank: w.index,
              exchange,
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
   * Waits until every worker is through with step `seq` (DONE >= seq); throws the one-line
   * failure of a worker that failed it. Replica 0 waits asynchronously, so worker errors and
   * exits still arrive.
   */
  private async settle(seq: number): Promise<void> {
    for (const w of this.workers) {
      await this.waitUntil(DONE + w.index, seq, w)
      if (seq > 0 && failed(this.exchange, seq, w.index)) await w.failed
    }
  }

  /** Waits until every worker has written its range of step `seq`'s update. */
  private async settleUpdated(seq: number): Promise<void> {
    for (const w of this.workers) await this.waitUntil(updatedAt(this.replicas, w.index), seq, w)
  }

  /** Waits (without blocking the event loop) until control word `at` reaches `seq`, or w fails. */
  private async waitUntil(at: number, seq: number, w: WorkerReplica): Promise<void> {
    const c = this.exchange.control
    for (let d = Atomics.load(c, at); d < seq; d = Atomics.load(c, at)) {
      const waiting = waitAsync(c, at, d)
      if (waiting.async) await Promise.race([waiting.value, w.failed])
    }
  }

  /** Brings the workers back to their message loop (to answer a request or to stop). */
  private async leave(): Promise<void> {
    if (!this.running) return
    this.running = false
    await this.settle(this.stepped)
    this.post(LEAVE, 0)
  }

  /** Posts step seq+1 (mode, n rows already in `indices`) to the workers. */
  private post(mode: number, n: number): number {
    const c = this.exchange.control
    const seq = ++this.seq
    Atomics.store(c, MODE, mode)
    Atomics.store(c, COUNT, n)
    Atomics.store(c, SEQ, seq)
    Atomics.notify(c, SEQ)
    return seq
  }

  /** One step through the exchange: every replica's shard gradient, then `mode`'s update. */
  private async run(batch: ArrayLike<number>, mode: number): Promise<ShardGradient> {
    this.signal?.throwIfAborted()
    const k = this.replicas
    const n = batch.length
    const ex = this.exchange
    if (k > 1) {
      // Every worker has read the previous batch before it is overwritten (normally at once).
      await this.settle(this.stepped)
      if (n > this.indices.length) {
        await this.leave()
        this.indices = new Int32Array(
          new SharedArrayBuffer(4 * Math.max(n, 2 * this.indices.length)),
        )
      }
      if (!this.running) {
        for (const w of this.workers) w.send({ type: 'run', from: this.seq, indices: this.indices })
        this.running = true
      }
    } else if (n > this.indices.length) this.indices = new Int32Array(n)
    for (let i = 0; i < n; i++) this.indices[i] = Number(batch[i])
    const seq = k > 1 ? this.post(mode, n) : ++this.seq
    this.stepped = seq
    const [lo, hi] = shard(n, 0, k)
    let own: ShardGradient
    try {
      own = this.local.gradient(this.indices.subarray(lo, hi), slot(ex, seq, 0))
    } catch (e) {
      // The workers skip this step's update.
      markDone(ex, seq, 0, true)
      throw e
    }
    markDone(ex, seq, 0, false)
    await this.settle(seq)
    let loss = 0
    let correct = 0
    for (let r = 0; r < k; r++) {
      const [a, b] = shard(n, r, k)
      if (b === a) continue
      const [rLoss, rCorrect] =
        r === 0
          ? [own.loss, own.correct]
          : [ex.stats[2 * r] as number, ex.stats[2 * r + 1] as number]
      loss += ((b - a) / n) * rLoss
      correct += rCorrect
    }
    const all = parts(ex, seq, n)
    if (mode === APPLY) {
      const [from, to] = range(ex, 0)
      this.local.updateRange(all, n, from, to)
      markUpdated(ex, seq, 0)
      await this.settleUpdated(seq)
      this.local.writeVariables()
      return { grads: new Float32Array(0), loss, correct, count: n }
    }
    return {
      grads: averageInto(new Float32Array(this.local.size), all, n),
      loss,
      correct,
      count: n,
    }
  }

  /**
   * The gradient of the mean loss over the rows `batch`, averaged over the replicas' shards
   * (weighted by shard size, in replica order), with the batch's mean loss and correct count.
   * No replica's weights change.
   */
  gradient(batch: ArrayLike<number>): Promise<ShardGradient> {
    return this.run(batch, GRADIENT)
  }

  /**
   * One training step on the rows `batch`: each replica computes its shard's gradient, then
   * every replica averages the shards (same order, same bits) and applies the average with its
   * own optimizer. The returned statistics have an empty `grads`.
   */
  step(batch: ArrayLike<number>): Promise<ShardGradient> {
    return this.run(batch, APPLY)
  }

  /** Each replica's flat weights, replica 0 first (to check they agree). */
  async weights(): Promise<Float32Array[]> {
    await this.leave()
    const others = await Promise.all(this.workers.map((w) => w.request({ type: 'weights' })))
    return [this.local.weights(), ...others.map((m) => expect(m, 'weights').weights)]
  }

  /**
   * Terminates the workers (replica 0 stays the caller's: `local.dispose()` frees it); a step
   * still waiting on a worker rejects with `reason`.
   */
  async close(reason?: unknown): Promise<void> {
    if (this.running) {
      // Wakes the workers out of Atomics.wait; terminate() would stop them there too.
      this.running = false
      this.post(LEAVE, 0)
    }
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
