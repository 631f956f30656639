/**
 * The shared memory through which the replicas of one data-parallel trainer take their steps,
 * without a message per step: control words (Atomics), the batch's row indices, two gradient
 * slots per replica (alternating by step, so a replica that runs ahead never overwrites a slot
 * another replica is still averaging) and each replica's shard statistics.
 *
 *   replica 0: writes the batch and its length, bumps SEQ (notify)
 *   replica r: computes the gradient of its contiguous shard into slot (seq, r), writes its
 *              statistics and whether it failed, stores DONE[r] = seq (notify), waits until
 *              every other DONE >= seq, then (mode APPLY, nobody failed) averages the slots of
 *              this step in replica order on its range r of the values only, takes its own
 *              optimizer's step on that range of the shared parameters, stores UPDATED[r] = seq,
 *              waits until every other UPDATED >= seq and writes all the parameters into its
 *              model's variables (the update is split, not repeated: ~1 ms of Adam and
 *              averaging on LeNet-5 becomes ~1/k ms; the values are those of one replica doing
 *              it all, per value the same arithmetic)
 *
 * Replica 0 waits with Atomics.waitAsync (its event loop must keep receiving worker errors),
 * the workers with Atomics.wait. Replica 0 posts a step only once every worker is through with
 * the previous one (normally already true), so the indices are never rewritten under a worker
 * that is still reading them, and no replica is more than one step ahead of another: what
 * step s wrote (slots, failure words, by parity) stays until every replica is past step s, and
 * no replica updates the parameters of step s+1 before every replica has read those of step s.
 */

/** The step number replica 0 last posted (workers wait on it). */
export const SEQ = 0
/** What the step does: LEAVE, APPLY or GRADIENT. */
export const MODE = 1
/** Rows in the batch. */
export const COUNT = 2
/** DONE + r: the last step replica r is through with (its gradient written, or failed). */
export const DONE = 3

/**
 * The index of the word that says whether replica r failed step `seq` (1) or not (0); one word
 * per replica and step parity, written before DONE, as the slots.
 */
export function failedAt(replicas: number, seq: number, r: number): number {
  return DONE + replicas + (seq & 1) * replicas + r
}

/** The index of the word holding the last step whose update replica r has written. */
export function updatedAt(replicas: number, r: number): number {
  return DONE + 3 * replicas + r
}

/** Marks replica r's part of step `seq`'s update written and wakes whoever waits on it. */
export function markUpdated(ex: Exchange, seq: number, r: number): void {
  Atomics.store(ex.control, updatedAt(ex.replicas, r), seq)
  Atomics.notify(ex.control, updatedAt(ex.replicas, r))
}

/** Marks replica r through with step `seq` (failed or not) and wakes whoever waits on it. */
export function markDone(ex: Exchange, seq: number, r: number, failed: boolean): void {
  Atomics.store(ex.control, failedAt(ex.replicas, seq, r), failed ? 1 : 0)
  Atomics.store(ex.control, DONE + r, seq)
  Atomics.notify(ex.control, DONE + r)
}

/** Blocks (Atomics.wait: worker threads only) until control word `at` reaches `seq`. */
export function waitUntil(ex: Exchange, at: number, seq: number): void {
  const c = ex.control
  for (let d = Atomics.load(c, at); d < seq; d = Atomics.load(c, at)) Atomics.wait(c, at, d)
}

/** Whether replica r failed step `seq` (once its DONE has reached seq). */
export function failed(ex: Exchange, seq: number, r: number): boolean {
  return Atomics.load(ex.control, failedAt(ex.replicas, seq, r)) !== 0
}

/** Return to the message loop (to answer a request, or to stop). */
export const LEAVE = 0
/** Compute the shard gradients, then every replica applies their average. */
export const APPLY = 1
/** Compute the shard gradients only (replica 0 averages them for its caller). */
export const GRADIENT = 2

export interface Exchange {
  replicas: number
  /** Values in one gradient. */
  size: number
  control: Int32Array
  /** 2 x replicas slots of `size` values. */
  slots: Float32Array
  /** Per replica: mean loss and correct predictions of its shard (its rows are its shard's). */
  stats: Float64Array
  /** The parameters every replica trains (each updates its range, then reads them all). */
  params: Float32Array
}

export function createExchange(replicas: number, size: number): Exchange {
  return {
    replicas,
    size,
    control: new Int32Array(new SharedArrayBuffer(4 * (DONE + 4 * replicas))),
    slots: new Float32Array(new SharedArrayBuffer(4 * 2 * replicas * size)),
    stats: new Float64Array(new SharedArrayBuffer(8 * 2 * replicas)),
    params: new Float32Array(new SharedArrayBuffer(4 * size)),
  }
}

/** Replica r's gradient slot for step `seq`. */
export function slot(ex: Exchange, seq: number, r: number): Float32Array {
  const at = ((seq & 1) * ex.replicas + r) * ex.size
  return ex.slots.subarray(at, at + ex.size)
}

/** Replica r's contiguous shard [lo, hi) of a batch of n rows (sizes differ by at most one). */
export function shard(n: number, r: number, replicas: number): [number, number] {
  return [Math.floor((r * n) / replicas), Math.floor(((r + 1) * n) / replicas)]
}

/** Replica r's range [lo, hi) of the values in the split update. */
export function range(ex: Exchange, r: number): [number, number] {
  return shard(ex.size, r, ex.replicas)
}

/** Every replica's shard gradient of step `seq`, in replica order. */
export function parts(
  ex: Exchange,
  seq: number,
  n: number,
): { grads: Float32Array; count: number }[] {
  return Array.from({ length: ex.replicas }, (_, r) => {
    const [lo, hi] = shard(n, r, ex.replicas)
    return { grads: slot(ex, seq, r), count: hi - lo }
  })
}
