/**
 * Where the prover's fact unifications come from.
 *
 *   ExhaustiveFacts (NTP):  every subgoal is unified with every fact; a goal with a free
 *                           variable keeps the k_max best substitutions (all |F| are scored)
 *   KnnFacts (GNTP):        every subgoal retrieves its k nearest facts from an index keyed by
 *                           the ground positions (`TTT`: predicate, subject, object; `TTV`:
 *                           predicate, subject) and unifies only with those; the index is a
 *                           snapshot rebuilt by `refresh()` on the training schedule
 *
 * Both use the joint kernel: one squared L2 distance over all ground position pairs, so the
 * nearest key is exactly the best-scoring unification. The leave-one-out mask is applied after
 * retrieval, as in GNTP (so k >= 2 keeps a proof for a masked training fact).
 */
import { AnchoredIndex } from './anchored-index.ts'
import type { NeuralKb } from './neural-kb.ts'

/** Squared L2 distance between rows `a` and `b` of W. */
export function rowD2(W: Float32Array, dim: number, a: number, b: number): number {
  if (a === b) return 0
  let s = 0
  const ao = a * dim
  const bo = b * dim
  for (let i = 0; i < dim; i++) {
    const d = (W[ao + i] as number) - (W[bo + i] as number)
    s += d * d
  }
  return s
}

export interface FactSource {
  /** Best unmasked fact for the ground atom (p, s, o): its index (-1 if none); d2 in `lastD2`. */
  ground(p: number, s: number, o: number, mask: number): number
  lastD2: number
  /**
   * The best unmasked facts for (p, s, ?), at most k, by the squared distance of the two ground
   * positions; writes indices and distances, returns the count.
   */
  partial(p: number, s: number, k: number, mask: number, idx: Int32Array, d2: Float64Array): number
  /** Kernel evaluations (unifications) done. */
  unifications: number
  /** Distance computations done to find candidates (index search), beyond the unifications. */
  readonly searches: number
  /** Bytes of per-subgoal working buffers (proof states held at once). */
  readonly workBytes: number
}

export class ExhaustiveFacts implements FactSource {
  lastD2 = 0
  unifications = 0
  readonly searches = 0
  private readonly relD: Float64Array
  /** Squared distances of the goal's subject and object rows to every entity row. */
  private readonly subjD: Float64Array
  private readonly objD: Float64Array
  private readonly scores: Float64Array
  constructor(private readonly nkb: NeuralKb) {
    this.relD = new Float64Array(nkb.entityBase)
    this.subjD = new Float64Array(nkb.rows - nkb.entityBase)
    this.objD = new Float64Array(nkb.rows - nkb.entityBase)
    this.scores = new Float64Array(nkb.fp.length)
  }
  get workBytes(): number {
    return this.scores.byteLength + this.subjD.byteLength + this.objD.byteLength
  }
  private relations(p: number): void {
    const { W, dim } = this.nkb
    for (let r = 0; r < this.relD.length; r++) this.relD[r] = rowD2(W, dim, p, r)
  }
  /**
   * rowD2(row, e) for every entity row e, into `out`: a fact's subject and object are entities,
   * and there are several times fewer entities than facts, so each distance is computed once
   * per subgoal rather than once per fact (the same values as the per-fact computation).
   */
  private entities(row: number, out: Float64Array): void {
    const { W, dim, entityBase } = this.nkb
    for (let e = 0; e < out.length; e++) out[e] = rowD2(W, dim, row, entityBase + e)
  }
  ground(p: number, s: number, o: number, mask: number): number {
    const { fp, fs, fo, entityBase } = this.nkb
    this.relations(p)
    this.entities(s, this.subjD)
    this.entities(o, this.objD)
    const { relD, subjD, objD } = this
    let best = Number.POSITIVE_INFINITY
    let bf = -1
    const n = fp.length
    for (let f = 0; f < n; f++) {
      const d =
        (relD[fp[f] as number] as number) +
        (subjD[(fs[f] as number) - entityBase] as number) +
        (objD[(fo[f] as number) - entityBase] as number)
      if (f !== mask && d < best) {
        best = d
        bf = f
      }
    }
    this.unifications += n
    this.lastD2 = best
    return bf
  }
  partial(
    p: number,
    s: number,
    k: number,
    mask: number,
    idx: Int32Array,
    d2: Float64Array,
  ): number {
    const { fp, fs, entityBase } = this.nkb
    this.relations(p)
    this.entities(s, this.subjD)
    const { relD, subjD } = this
    const n = fp.length
    const sc = this.scores
    for (let f = 0; f < n; f++)
      sc[f] = (relD[fp[f] as number] as number) + (subjD[(fs[f] as number) - entityBase] as number)
    this.unifications += n
    return topK(sc, k, mask, idx, d2)
  }
}

/** The k smallest entries of `sc` (skipping index `mask`), ascending. */
export function topK(
  sc: Float64Array,
  k: number,
  mask: number,
  idx: Int32Array,
  d2: Float64Array,
): number {
  let found = 0
  for (let f = 0; f < sc.length; f++) {
    if (f === mask) continue
    const v = sc[f] as number
    if (found === k && v >= (d2[k - 1] as number)) continue
    let pos = Math.min(found, k - 1)
    while (pos > 0 && (d2[pos - 1] as number) > v) {
      d2[pos] = d2[pos - 1] as number
      idx[pos] = idx[pos - 1] as number
      pos--
    }
    d2[pos] = v
    idx[pos] = f
    if (found < k) found++
  }
  return found
}

export class KnnFacts implements FactSource {
  lastD2 = 0
  unifications = 0
  private index: AnchoredIndex | undefined
  private searchesBefore = 0
  private fallbacksBefore = 0
  private queriesBefore = 0
  private readonly hits: Int32Array
  constructor(
    private readonly nkb: NeuralKb,
    private readonly kFacts: number,
    /** Nearest entities kept per entity in the index. @default 64 */
    private readonly neighbours = 64,
    /** Exact k-NN (scan when the neighbours run out) or approximate. @default true */
    private readonly exact = true,
  ) {
    this.hits = new Int32Array(Math.max(kFacts, 64))
    this.refresh()
  }
  get workBytes(): number {
    return this.hits.byteLength
  }
  get searches(): number {
    return this.searchesBefore + (this.index?.distances ?? 0)
  }
  get fallbacks(): number {
    return this.fallbacksBefore + (this.index?.fallbacks ?? 0)
  }
  get queries(): number {
    return this.queriesBefore + (this.index?.queries ?? 0)
  }
  /** Rebuild the index from the current embeddings. */
  refresh(): void {
    const { W, dim, fp, fs, fo, entityBase, rows, nRel, patternWords } = this.nkb
    this.searchesBefore += this.index?.distances ?? 0
    this.fallbacksBefore += this.index?.fallbacks ?? 0
    this.queriesBefore += this.index?.queries ?? 0
    this.index = new AnchoredIndex(
      W,
      dim,
      entityBase,
      rows - entityBase,
      nRel + patternWords.length,
      fp,
      fs,
      fo,
      this.neighbours,
      this.hits.length,
      this.exact,
    )
  }
  ground(p: number, s: number, o: number, mask: number): number {
    const { W, dim, fp, fs, fo } = this.nkb
    const got = (this.index as AnchoredIndex).query(p, s, o, this.kFacts, this.hits)
    let best = Number.POSITIVE_INFINITY
    let bf = -1
    for (let i = 0; i < got; i++) {
      const f = this.hits[i] as number
      if (f === mask) continue
      const d =
        rowD2(W, dim, p, fp[f] as number) +
        rowD2(W, dim, s, fs[f] as number) +
        rowD2(W, dim, o, fo[f] as number)
      this.unifications++
      if (d < best) {
        best = d
        bf = f
      }
    }
    this.lastD2 = best
    return bf
  }
  partial(
    p: number,
    s: number,
    k: number,
    mask: number,
    idx: Int32Array,
    d2: Float64Array,
  ): number {
    const { W, dim, fp, fs } = this.nkb
    const got = (this.index as AnchoredIndex).query(
      p,
      s,
      -1,
      Math.min(k, this.hits.length),
      this.hits,
    )
    const sc = new Float64Array(got)
    for (let i = 0; i < got; i++) {
      const f = this.hits[i] as number
      sc[i] =
        f === mask
          ? Number.POSITIVE_INFINITY
          : rowD2(W, dim, p, fp[f] as number) + rowD2(W, dim, s, fs[f] as number)
    }
    this.unifications += got
    const local = new Int32Array(got)
    const n = topK(sc, got, -1, local, d2)
    let out = 0
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(d2[i] as number)) break
      idx[out] = this.hits[local[i] as number] as number
      d2[out] = d2[i] as number
      out++
    }
    return out
  }
}
