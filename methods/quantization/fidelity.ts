/**
 * How far quantized logits are from the fp32 ones: top-1, mean KL(softmax(fp) ‖ softmax(q)) per
 * example, and the signal-to-quantization-noise ratio Σ fp² / Σ (fp − q)² in dB.
 */

/** Top-1 accuracy of row-major logits [n, classes]. */
export function top1(logits: Float32Array, labels: Int32Array): number {
  const n = labels.length
  const c = logits.length / n
  let right = 0
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let j = 1; j < c; j++)
      if ((logits[i * c + j] as number) > (logits[i * c + best] as number)) best = j
    if (best === labels[i]) right++
  }
  return right / n
}

/** Row-wise argmax of row-major logits [n, classes]. */
export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const n = logits.length / classes
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let j = 1; j < classes; j++)
      if ((logits[i * classes + j] as number) > (logits[i * classes + best] as number)) best = j
    out[i] = best
  }
  return out
}

function logSoftmaxRow(x: Float32Array, o: number, c: number, out: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY
  for (let j = 0; j < c; j++) m = Math.max(m, x[o + j] as number)
  let s = 0
  for (let j = 0; j < c; j++) s += Math.exp((x[o + j] as number) - m)
  const lse = m + Math.log(s)
  for (let j = 0; j < c; j++) out[j] = (x[o + j] as number) - lse
}

/** Mean over examples of KL(softmax(p) ‖ softmax(q)), in nats. */
export function logitKl(p: Float32Array, q: Float32Array, classes: number): number {
  const n = p.length / classes
  const lp = new Float64Array(classes)
  const lq = new Float64Array(classes)
  let total = 0
  for (let i = 0; i < n; i++) {
    logSoftmaxRow(p, i * classes, classes, lp)
    logSoftmaxRow(q, i * classes, classes, lq)
    for (let j = 0; j < classes; j++)
      total += Math.exp(lp[j] as number) * ((lp[j] as number) - (lq[j] as number))
  }
  return Math.max(0, total / n)
}

/** SQNR of `q` against `ref` in dB (capped at 200 dB when they are equal). */
export function sqnrDb(ref: Float32Array, q: Float32Array): number {
  let sig = 0
  let noise = 0
  for (let i = 0; i < ref.length; i++) {
    sig += (ref[i] as number) ** 2
    noise += ((ref[i] as number) - (q[i] as number)) ** 2
  }
  if (noise === 0) return 200
  return Math.min(200, 10 * Math.log10(sig / noise))
}
