/**
 * Scores of every candidate answer of a link-prediction query, (p, s, ?) or (?, p, o), computed
 * in one batched pass that returns exactly what `Prover.prove` returns for each candidate with a
 * fresh exact index (a test checks it): filtered ranking needs |E| proofs per query, and the
 * batched form shares the work the candidates have in common.
 *
 *   E x E entity distances once; facts grouped by their free end, so a ground atom with one
 *   candidate position costs |F| + |E|^2 for all candidates instead of |E| * |F|
 *   chain2 towards a candidate object: the k best Z of q(s, Z) are shared by all candidates
 *   chain2 towards a candidate subject: r(Z, o) is tabled for every Z once
 *
 * Supports the depth-1 shapes implies, inverse, symmetric, chain2, tiedChain2 (not chain3).
 * The same truncations as the prover: all rules (NTP) or the k_R nearest heads (GNTP), k
 * substitutions for Z (k_max / k_F), the cycle guard.
 */
import { rowD2, topK } from './fact-source.ts'
import type { NeuralKb, Rule } from './neural-kb.ts'
import type { ProverOptions } from './prover.ts'

export class RankingScorer {
  private readonly E: number
  private readonly ent: Float64Array
  constructor(
    private readonly nkb: NeuralKb,
    private readonly opts: ProverOptions,
  ) {
    this.E = nkb.rows - nkb.entityBase
    const E = this.E
    this.ent = new Float64Array(E * E)
    for (let a = 0; a < E; a++)
      for (let b = a + 1; b < E; b++) {
        const d = rowD2(nkb.W, nkb.dim, nkb.entityBase + a, nkb.entityBase + b)
        this.ent[a * E + b] = d
        this.ent[b * E + a] = d
      }
  }

  private relD(p: number): Float64Array {
    const { W, dim } = this.nkb
    const out = new Float64Array(this.nkb.entityBase)
    for (let r = 0; r < out.length; r++) out[r] = rowD2(W, dim, p, r)
    return out
  }

  /**
   * min over facts of d2((q, a, c), fact) for every candidate entity c, where `a` (an entity id)
   * is fixed at the subject (`candidateAt = 'object'`) or at the object.
   */
  private groundTable(q: number, a: number, candidateAt: 'object' | 'subject'): Float64Array {
    const { fp, fs, fo, entityBase } = this.nkb
    const E = this.E
    const rd = this.relD(q)
    const m = new Float64Array(E).fill(Number.POSITIVE_INFINITY)
    const [fixed, free] = candidateAt === 'object' ? [fs, fo] : [fo, fs]
    for (let f = 0; f < fp.length; f++) {
      const u = (free[f] as number) - entityBase
      const d =
        (rd[fp[f] as number] as number) +
        (this.ent[a * E + (fixed[f] as number) - entityBase] as number)
      if (d < (m[u] as number)) m[u] = d
    }
    const out = new Float64Array(E).fill(Number.POSITIVE_INFINITY)
    for (let u = 0; u < E; u++) {
      const mu = m[u] as number
      if (!Number.isFinite(mu)) continue
      for (let c = 0; c < E; c++) {
        const d = mu + (this.ent[c * E + u] as number)
        if (d < (out[c] as number)) out[c] = d
      }
    }
    return out
  }

  /** The k best facts of q(a, Z) by partial distance (`rd`: distances of q to the relations), for entity id a. */
  private bindings(a: number, rd: Float64Array, idx: Int32Array, d2: Float64Array): number {
    const { fp, fs, entityBase } = this.nkb
    const E = this.E
    const sc = new Float64Array(fp.length)
    for (let f = 0; f < fp.length; f++)
      sc[f] =
        (rd[fp[f] as number] as number) +
        (this.ent[a * E + (fs[f] as number) - entityBase] as number)
    return topK(sc, this.opts.kBind, -1, idx, d2)
  }

  private selectRules(p: number): number[] {
    const { W, dim, rules } = this.nkb
    const hd = rules.map((r) => rowD2(W, dim, r.head, p))
    const all = rules.map((_, r) => r)
    if (this.opts.kRules === undefined || this.opts.kRules >= rules.length) return all
    return all.sort((a, b) => (hd[a] as number) - (hd[b] as number)).slice(0, this.opts.kRules)
  }

  /**
   * Best-proof cost (largest d2 on the best proof) of (p, s, c) for every entity c when
   * `candidateAt = 'object'`, or of (p, c, o) for every c when it is 'subject' (`fixed` = s or o,
   * an entity id). Relation `p` is a W row.
   */
  costs(p: number, fixed: number, candidateAt: 'object' | 'subject'): Float64Array {
    const { W, dim, fo, entityBase, rules } = this.nkb
    const E = this.E
    const best = this.groundTable(p, fixed, candidateAt)
    const idx = new Int32Array(this.opts.kBind)
    const d2 = new Float64Array(this.opts.kBind)
    const other = candidateAt === 'object' ? 'subject' : 'object'
    for (const r of this.selectRules(p)) {
      const rule = rules[r] as Rule
      const h = rowD2(W, dim, rule.head, p)
      const [q, q2] = rule.body as [number, number?]
      let body: Float64Array
      if (rule.shape === 'implies') body = this.groundTable(q, fixed, candidateAt)
      else if (rule.shape === 'inverse' || rule.shape === 'symmetric')
        body = this.groundTable(q, fixed, other)
      else if (rule.shape === 'chain2' || rule.shape === 'tiedChain2') {
        body = new Float64Array(E).fill(Number.POSITIVE_INFINITY)
        const rd = this.relD(q)
        if (candidateAt === 'object') {
          const n = this.bindings(fixed, rd, idx, d2)
          for (let i = 0; i < n; i++) {
            const z = (fo[idx[i] as number] as number) - entityBase
            if (this.opts.cycleGuard && z === fixed) continue
            const t = this.groundTable(q2 as number, z, 'object')
            const di = d2[i] as number
            for (let c = 0; c < E; c++) {
              const v = Math.max(di, t[c] as number)
              if (v < (body[c] as number)) body[c] = v
            }
          }
        } else {
          const t = this.groundTable(q2 as number, fixed, 'subject')
          for (let c = 0; c < E; c++) {
            const n = this.bindings(c, rd, idx, d2)
            for (let i = 0; i < n; i++) {
              const z = (fo[idx[i] as number] as number) - entityBase
              if (this.opts.cycleGuard && z === c) continue
              const v = Math.max(d2[i] as number, t[z] as number)
              if (v < (body[c] as number)) body[c] = v
            }
          }
        }
      } else
        throw new RangeError(
          `Cannot rank with rule shape "${rule.shape}": only depth-1 shapes are batched`,
        )
      for (let c = 0; c < E; c++) {
        const v = Math.max(h, body[c] as number)
        if (v < (best[c] as number)) best[c] = v
      }
    }
    return best
  }
}
