/**
 * Exact k-NN over facts for the prover's queries, sublinear in |F| in practice, built on the
 * structure of a fact key: the joint squared distance of a query (p, s[, o]) to a fact splits
 * into ‖p − p_f‖² + ‖s − s_f‖² [+ ‖o − o_f‖²], and every query's subject is an entity.
 *
 *   build (on a snapshot of the embeddings):
 *     facts grouped by subject entity; for every entity, its M nearest entities (itself first)
 *     with their squared distances, sorted
 *   query (p, s[, o]):
 *     ‖p − r‖² for the few fact predicates r; then the subjects u nearest s in order: every fact
 *     of u is a candidate; stop as soon as ‖s − u‖² + min_r ‖p − r‖² reaches the current k-th
 *     best (no later subject can beat it); if the M neighbours run out first, scan every fact
 *   result: exactly the k nearest facts under the snapshot; the prover rescores them with the
 *   current embeddings, and the index is rebuilt on the refresh schedule
 *   approximate mode (`exact = false`): no scan when the neighbours run out; the best among
 *   the facts of the M nearest subjects is returned (a k-NN-graph search, like HNSW's in spirit)
 *
 * Building the neighbour lists costs |E|^2 d per refresh; a query touches a few subjects' facts.
 */
export class AnchoredIndex {
  private readonly snap: Float32Array
  private readonly start: Int32Array
  private readonly bySubject: Int32Array
  private readonly nbr: Int32Array
  private readonly nbrD: Float32Array
  private readonly relD: Float64Array
  private readonly m: number
  private readonly bestD: Float64Array
  /** Distance computations by queries (relation, entity and fact terms). */
  distances = 0
  /** Queries that ran out of neighbours before the bound closed (scanned every fact if exact). */
  fallbacks = 0
  queries = 0

  constructor(
    W: Float32Array,
    private readonly dim: number,
    private readonly entityBase: number,
    private readonly nEnt: number,
    private readonly nPred: number,
    private readonly fp: Int32Array,
    private readonly fs: Int32Array,
    private readonly fo: Int32Array,
    neighbours: number,
    maxK: number,
    /** Scan every fact when the neighbours run out before the bound closes (exact search). */
    private readonly exact = true,
  ) {
    this.snap = W.slice()
    const E = nEnt
    const counts = new Int32Array(E + 1)
    for (let f = 0; f < fs.length; f++) {
      const e = (fs[f] as number) - entityBase + 1
      counts[e] = (counts[e] as number) + 1
    }
    this.start = new Int32Array(E + 1)
    for (let e = 0; e < E; e++)
      this.start[e + 1] = (this.start[e] as number) + (counts[e + 1] as number)
    const fill = this.start.slice(0, E)
    this.bySubject = new Int32Array(fs.length)
    for (let f = 0; f < fs.length; f++) {
      const e = (fs[f] as number) - entityBase
      this.bySubject[fill[e] as number] = f
      fill[e] = (fill[e] as number) + 1
    }
    const M = Math.min(E, neighbours)
    this.m = M
    this.nbr = new Int32Array(E * M)
    this.nbrD = new Float32Array(E * M)
    const top = new Float64Array(M)
    for (let a = 0; a < E; a++) {
      // the M nearest entities by insertion (itself first, at distance 0)
      let n = 0
      for (let b = 0; b < E; b++) {
        const d = b === a ? 0 : this.d2(entityBase + a, entityBase + b)
        if (n === M && d >= (top[M - 1] as number)) continue
        let pos = Math.min(n, M - 1)
        while (pos > 0 && (top[pos - 1] as number) > d) {
          top[pos] = top[pos - 1] as number
          this.nbr[a * M + pos] = this.nbr[a * M + pos - 1] as number
          pos--
        }
        top[pos] = d
        this.nbr[a * M + pos] = b
        if (n < M) n++
      }
      for (let j = 0; j < M; j++) this.nbrD[a * M + j] = top[j] as number
    }
    this.relD = new Float64Array(nPred)
    this.bestD = new Float64Array(maxK)
  }

  private d2(a: number, b: number): number {
    const { snap, dim } = this
    let s = 0
    for (let i = 0; i < dim; i++) {
      const x = (snap[a * dim + i] as number) - (snap[b * dim + i] as number)
      s += x * x
    }
    return s
  }

  /**
   * The k nearest facts to (p, s, o) (o < 0 for the two-position key (p, s)), nearest first,
   * into `out`; returns how many. Rows of W; `p` may be any row, s and o are entity rows.
   */
  query(p: number, s: number, o: number, k: number, out: Int32Array): number {
    this.queries++
    let minRel = Number.POSITIVE_INFINITY
    for (let r = 0; r < this.nPred; r++) {
      const v = this.d2(p, r)
      this.relD[r] = v
      if (v < minRel) minRel = v
    }
    this.distances += this.nPred
    const best = this.bestD
    let found = 0
    const consider = (f: number, base: number) => {
      let d = base + (this.relD[this.fp[f] as number] as number)
      if (o >= 0) {
        d += this.d2(o, this.fo[f] as number)
        this.distances++
      }
      if (found === k && d >= (best[k - 1] as number)) return
      let pos = Math.min(found, k - 1)
      while (pos > 0 && (best[pos - 1] as number) > d) {
        best[pos] = best[pos - 1] as number
        out[pos] = out[pos - 1] as number
        pos--
      }
      best[pos] = d
      out[pos] = f
      if (found < k) found++
    }
    const a = s - this.entityBase
    const M = this.m
    for (let j = 0; j < M; j++) {
      const du = this.nbrD[a * M + j] as number
      if (found === k && du + minRel >= (best[k - 1] as number)) return found
      const u = this.nbr[a * M + j] as number
      for (let t = this.start[u] as number; t < (this.start[u + 1] as number); t++)
        consider(this.bySubject[t] as number, du)
    }
    if (M === this.nEnt) return found
    this.fallbacks++
    if (!this.exact) return found
    // Out of neighbours before the bound closed: an exhaustive scan keeps the answer exact.
    found = 0
    for (let f = 0; f < this.fp.length; f++) {
      this.distances++
      consider(f, this.d2(s, this.fs[f] as number))
    }
    return found
  }
}
