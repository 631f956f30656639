/**
 * Exact k-nearest-neighbour search over a snapshot of fact keys (the concatenated embeddings of
 * the ground positions of a fact), sublinear through cluster pruning:
 *
 *   build:  ceil(sqrt(N)) keys drawn (seeded) as centres; every key joins its nearest centre;
 *           each cluster keeps its radius (largest member distance to the centre)
 *   query:  distances to the centres, clusters visited nearest-centre first; a cluster whose
 *           lower bound ‖q−c‖ − radius exceeds the current k-th best is skipped, and the scan
 *           stops once ‖q−c‖ − (largest radius) does; by the triangle inequality no skipped
 *           key can be closer, so the answer is exact for the snapshot
 *
 * The snapshot goes stale as embeddings train; the prover rebuilds it on a schedule
 * (GNTP's index refresh) and always rescores what it retrieves with the current embeddings.
 * An HNSW index (`hnswlib-node`) could not be installed here (its build downloads headers).
 */
import type { Rng } from '../../harness/run/rng.ts'

export class KnnIndex {
  readonly n: number
  readonly dim: number
  private readonly keys: Float32Array
  private readonly centres: Float32Array
  private readonly radius: Float32Array
  private readonly start: Int32Array
  private readonly members: Int32Array
  private readonly maxRadius: number
  private readonly centreDist: Float64Array
  private readonly order: Int32Array
  /** Distance computations done by queries since construction. */
  distances = 0

  constructor(keys: Float32Array, dim: number, rng: Rng) {
    this.keys = keys
    this.dim = dim
    this.n = keys.length / dim
    const n = this.n
    const c = Math.max(1, Math.ceil(Math.sqrt(n)))
    const picks = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, c)
    const C = picks.length
    this.centres = new Float32Array(C * dim)
    picks.forEach((p, j) => {
      this.centres.set(keys.subarray(p * dim, p * dim + dim), j * dim)
    })
    const assign = new Int32Array(n)
    const dist = new Float32Array(n)
    const counts = new Int32Array(C + 1)
    for (let i = 0; i < n; i++) {
      let best = Number.POSITIVE_INFINITY
      let bj = 0
      for (let j = 0; j < C; j++) {
        const d = sq(keys, i * dim, this.centres, j * dim, dim, best)
        if (d < best) {
          best = d
          bj = j
        }
      }
      assign[i] = bj
      dist[i] = Math.sqrt(best)
      counts[bj + 1] = (counts[bj + 1] as number) + 1
    }
    this.start = new Int32Array(C + 1)
    for (let j = 0; j < C; j++) this.start[j + 1] = (this.start[j] as number) + (counts[j + 1] as number)
    const fill = this.start.slice(0, C)
    this.members = new Int32Array(n)
    this.radius = new Float32Array(C)
    for (let i = 0; i < n; i++) {
      const j = assign[i] as number
      this.members[fill[j] as number] = i
      fill[j] = (fill[j] as number) + 1
      if ((dist[i] as number) > (this.radius[j] as number)) this.radius[j] = dist[i] as number
    }
    let mr = 0
    for (let j = 0; j < C; j++) mr = Math.max(mr, this.radius[j] as number)
    this.maxRadius = mr
    this.centreDist = new Float64Array(C)
    this.order = new Int32Array(C)
  }

  /**
   * The k nearest keys to `q` (L2), nearest first, skipping `exclude`; writes into `outIdx`
   * and returns how many were found.
   */
  query(q: Float32Array, k: number, outIdx: Int32Array, exclude = -1): number {
    const { dim, centres, keys } = this
    const C = this.radius.length
    for (let j = 0; j < C; j++) this.centreDist[j] = Math.sqrt(sq(q, 0, centres, j * dim, dim, Infinity))
    this.distances += C
    const cd = this.centreDist
    const order = this.order
    for (let j = 0; j < C; j++) order[j] = j
    order.sort((a, b) => (cd[a] as number) - (cd[b] as number))
    const bestD = new Float64Array(k).fill(Number.POSITIVE_INFINITY)
    let found = 0
    for (let t = 0; t < C; t++) {
      const j = order[t] as number
      const dc = cd[j] as number
      const kth = found < k ? Number.POSITIVE_INFINITY : (bestD[k - 1] as number)
      if (dc - this.maxRadius > kth) break
      if (dc - (this.radius[j] as number) > kth) continue
      for (let m = this.start[j] as number; m < (this.start[j + 1] as number); m++) {
        const i = this.members[m] as number
        if (i === exclude) continue
        const bound = found < k ? Number.POSITIVE_INFINITY : (bestD[k - 1] as number) ** 2
        const d2 = sq(q, 0, keys, i * dim, dim, bound)
        this.distances++
        if (d2 >= bound) continue
        const d = Math.sqrt(d2)
        let pos = Math.min(found, k - 1)
        while (pos > 0 && (bestD[pos - 1] as number) > d) {
          bestD[pos] = bestD[pos - 1] as number
          outIdx[pos] = outIdx[pos - 1] as number
          pos--
        }
        bestD[pos] = d
        outIdx[pos] = i
        if (found < k) found++
      }
    }
    return found
  }
}

/** Squared L2 distance of two rows, stopping early once it exceeds `bound`. */
function sq(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number, bound: number): number {
  let s = 0
  for (let i = 0; i < dim; i++) {
    const d = (a[ao + i] as number) - (b[bo + i] as number)
    s += d * d
    if ((i & 7) === 7 && s > bound) return s
  }
  return s
}

/** Brute-force reference: the k nearest keys to `q`, nearest first. */
export function bruteForceKnn(keys: Float32Array, dim: number, q: Float32Array, k: number): number[] {
  const n = keys.length / dim
  const d = Array.from({ length: n }, (_, i) => [sq(q, 0, keys, i * dim, dim, Infinity), i] as const)
  return d
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i)
}
