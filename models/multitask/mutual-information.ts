/**
 * Kolchinsky–Tracey KDE estimate of the mutual information between a set of neurons M and a
 * task's ±1 label columns, with Gaussian noise variance σ²:
 *
 *   H(M) = d/2 − mean_i log Σ_j exp(−‖m_i − m_j‖²/(2σ²)) + log N + (d/2)·log(2πσ²)
 *   I(M; Y) = H(M) − Σ_y p(y)·H(M | Y = y)
 *
 * The d- and σ-terms cancel in I, so only row sums of the kernel matrix K_ij = exp(−‖m_i − m_j‖²
 * /(2σ²)) matter. K of a set grows by an element-wise product when a neuron joins (the squared
 * distances add), so the greedy search keeps K and evaluates a candidate in O(N²).
 */

/** A task's labels on the N samples (-1 = outside the task) and its class count. */
export interface MiTask {
  labels: Int32Array
  classes: number
}

/** Label columns of a task: one per class, or only the positive class of a binary task. */
function columns(task: MiTask): number[] {
  return task.classes === 2 ? [1] : Array.from({ length: task.classes }, (_, c) => c)
}

/**
 * Mutual information (nats, summed over the task's label columns) of the set whose kernel matrix
 * is `kernel` (upper triangle, N×N row-major; the diagonal is 1), optionally multiplied by the
 * kernel of one more neuron with values `extra` (scaled by 1/(2σ²) through `invTwoSigma2`).
 */
export function kdeMutualInformation(
  kernel: Float64Array,
  n: number,
  task: MiTask,
  extra?: { values: Float64Array; invTwoSigma2: number },
): number {
  const buckets = task.classes + 1
  const bucket = (i: number) => {
    const y = task.labels[i]!
    return y < 0 ? task.classes : y
  }
  const total = new Float64Array(n).fill(1)
  const byClass = new Float64Array(n * buckets)
  for (let i = 0; i < n; i++) byClass[i * buckets + bucket(i)] = 1
  for (let i = 0; i < n; i++) {
    const bi = bucket(i)
    const xi = extra?.values[i] ?? 0
    for (let k = i + 1; k < n; k++) {
      let v = kernel[i * n + k]!
      if (extra) {
        const d = xi - extra.values[k]!
        v *= Math.exp(-d * d * extra.invTwoSigma2)
      }
      if (v === 0) continue
      total[i]! += v
      total[k]! += v
      byClass[i * buckets + bucket(k)]! += v
      byClass[k * buckets + bi]! += v
    }
  }
  let hm = 0
  for (let i = 0; i < n; i++) hm -= Math.log(total[i]! / n)
  hm /= n
  let mi = 0
  for (const c of columns(task)) {
    let nPos = 0
    for (let i = 0; i < n; i++) if (task.labels[i] === c) nPos++
    const nNeg = n - nPos
    let hPos = 0
    let hNeg = 0
    for (let i = 0; i < n; i++) {
      const inC = byClass[i * buckets + c]!
      if (task.labels[i] === c) hPos -= Math.log(inC / nPos)
      else hNeg -= Math.log((total[i]! - inC) / nNeg)
    }
    const cond = (nPos > 0 ? hPos / n : 0) + (nNeg > 0 ? hNeg / n : 0)
    mi += hm - cond
  }
  return mi
}

/** A fresh kernel matrix of the empty set (all ones). */
export function emptyKernel(n: number): Float64Array {
  return new Float64Array(n * n).fill(1)
}

/** Multiplies `kernel` (upper triangle) by the kernel of one neuron's values. */
export function addToKernel(
  kernel: Float64Array,
  n: number,
  values: Float64Array,
  invTwoSigma2: number,
): void {
  for (let i = 0; i < n; i++) {
    const xi = values[i]!
    for (let k = i + 1; k < n; k++) {
      const d = xi - values[k]!
      kernel[i * n + k]! *= Math.exp(-d * d * invTwoSigma2)
    }
  }
}

/**
 * One value per sample and neuron of a layer's post-ReLU output [n × d × P]: the neuron's output
 * (P = 1), or the max of a conv channel's map over its P positions.
 */
export function neuronFeatures(
  acts: Float32Array,
  n: number,
  d: number,
  P: number,
): Float64Array[] {
  return Array.from({ length: d }, (_, j) =>
    Float64Array.from({ length: n }, (_, i) => {
      let m = 0
      for (let p = 0; p < P; p++) m = Math.max(m, acts[(i * d + j) * P + p]!)
      return m
    }),
  )
}

/** Divides every feature by the largest value of all, in place (so σ² means the same in every layer). */
export function scaleToUnit(features: readonly Float64Array[]): void {
  let max = 0
  for (const f of features) for (const v of f) if (v > max) max = v
  if (max > 0) for (const f of features) for (let i = 0; i < f.length; i++) f[i]! /= max
}

/**
 * Divides every feature by the mean standard deviation of the layer's non-constant features, in
 * place (one factor for the layer, so neurons keep their relative spread).
 */
export function scaleToUnitStd(features: readonly Float64Array[]): void {
  let sum = 0
  let count = 0
  for (const f of features) {
    let m = 0
    for (const v of f) m += v
    m /= f.length
    let v2 = 0
    for (const v of f) v2 += (v - m) * (v - m)
    const sd = Math.sqrt(v2 / f.length)
    if (sd > 0) {
      sum += sd
      count++
    }
  }
  if (count === 0) return
  const k = count / sum
  for (const f of features) for (let i = 0; i < f.length; i++) f[i]! *= k
}

/** Joint KDE mutual information (nats) of the neurons `set` of `features` with a task's labels. */
export function setMutualInformation(
  features: readonly Float64Array[],
  set: readonly number[],
  n: number,
  task: MiTask,
  sigma2: number,
): number {
  const kernel = emptyKernel(n)
  for (const j of set) addToKernel(kernel, n, features[j]!, 1 / (2 * sigma2))
  return kdeMutualInformation(kernel, n, task)
}

/** KDE mutual information (nats) of each single neuron of `features` with a task's labels. */
export function neuronMutualInformation(
  features: readonly Float64Array[],
  n: number,
  task: MiTask,
  sigma2: number,
): number[] {
  const empty = emptyKernel(n)
  const invTwoSigma2 = 1 / (2 * sigma2)
  return features.map((values) => kdeMutualInformation(empty, n, task, { values, invTwoSigma2 }))
}
