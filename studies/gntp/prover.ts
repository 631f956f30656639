/**
 * Differentiable backward chaining to depth 1 (rule bodies are proved by facts), the part NTP
 * and GNTP share; they differ only in the FactSource and in how many rule heads they try.
 *
 *   OR(goal):     facts (depth 0)  +  every rule (NTP) or the k_R rules whose head predicate is
 *                 nearest the goal's (GNTP)
 *   UNIFY:        joint kernel, K = exp(-sqrt(clip(d2, 1e-6, 1000))) over all ground pairs
 *   AND(body):    chain atoms left to right; a free variable (Z, W) is bound by the k best
 *                 facts of the partial atom (k_max for NTP, k_F for GNTP); the last atom is ground
 *   cycle guard:  an intermediate variable may not bind to an entity already on the chain
 *   score:        max over proofs of min over their kernels; since K falls with d2, a proof's
 *                 cost is the largest d2 on it and the goal's score is exp(-sqrt(min cost))
 *   gradient:     max and min route it through one kernel of one proof (the bottleneck), so the
 *                 backward pass touches at most three pairs of rows
 */
import type { FactSource } from './fact-source.ts'
import { rowD2 } from './fact-source.ts'
import type { NeuralKb, Rule } from './neural-kb.ts'
import { SHAPE_ATOMS } from './neural-kb.ts'

export const D2_MIN = 1e-6
export const D2_MAX = 1000

/** The best proof found for a goal. */
export interface Proof {
  /** Largest squared distance on the proof (its bottleneck); +Infinity when nothing proved it. */
  cost: number
  /** Rule index, or -1 for a fact. */
  rule: number
  /** Facts used, in body order. */
  facts: number[]
}

export interface ProverOptions {
  /** Rule heads tried per goal; undefined = all (NTP). */
  kRules?: number | undefined
  /** Substitutions kept for a free variable (k_max for NTP, k_F for GNTP). */
  kBind: number
  cycleGuard: boolean
}

/** One kernel on a proof: the pairs of rows it compares and its squared distance. */
export interface KernelTerm {
  a: number[]
  b: number[]
  d2: number
}

export function scoreOf(cost: number): number {
  return Math.exp(-Math.sqrt(Math.min(D2_MAX, Math.max(D2_MIN, cost))))
}

export class Prover {
  /** Rule heads unified so far (counted as unifications too). */
  headUnifications = 0
  private readonly idx: Int32Array[]
  private readonly d2: Float64Array[]
  private readonly headD: Float64Array
  constructor(
    readonly nkb: NeuralKb,
    readonly source: FactSource,
    readonly opts: ProverOptions,
  ) {
    this.idx = [0, 1].map(() => new Int32Array(opts.kBind))
    this.d2 = [0, 1].map(() => new Float64Array(opts.kBind))
    this.headD = new Float64Array(nkb.rules.length)
  }

  /** Rules to try for predicate row p, nearest head first. */
  private selectRules(p: number): number[] {
    const { W, dim, rules } = this.nkb
    for (let r = 0; r < rules.length; r++) this.headD[r] = rowD2(W, dim, (rules[r] as Rule).head, p)
    this.headUnifications += rules.length
    const all = rules.map((_, r) => r)
    if (this.opts.kRules === undefined || this.opts.kRules >= rules.length) return all
    return all
      .sort((a, b) => (this.headD[a] as number) - (this.headD[b] as number))
      .slice(0, this.opts.kRules)
  }

  /** The best proof of the ground goal (p, s, o) (W rows), never using fact `mask`. */
  prove(p: number, s: number, o: number, mask = -1): Proof {
    const src = this.source
    let best: Proof = { cost: Number.POSITIVE_INFINITY, rule: -1, facts: [] }
    const f0 = src.ground(p, s, o, mask)
    if (f0 >= 0) best = { cost: src.lastD2, rule: -1, facts: [f0] }
    const { fo, rules } = this.nkb
    for (const r of this.selectRules(p)) {
      const rule = rules[r] as Rule
      const h = this.headD[r] as number
      const [q, q2, q3] = rule.body as [number, number?, number?]
      if (rule.shape === 'implies' || rule.shape === 'inverse' || rule.shape === 'symmetric') {
        const [a, b] = rule.shape === 'implies' ? [s, o] : [o, s]
        const f = src.ground(q, a, b, mask)
        if (f < 0) continue
        const c = Math.max(h, src.lastD2)
        if (c < best.cost) best = { cost: c, rule: r, facts: [f] }
        continue
      }
      const n1 = src.partial(
        q,
        s,
        this.opts.kBind,
        mask,
        this.idx[0] as Int32Array,
        this.d2[0] as Float64Array,
      )
      const f1s = Array.from((this.idx[0] as Int32Array).subarray(0, n1))
      const d1s = Array.from((this.d2[0] as Float64Array).subarray(0, n1))
      for (let i = 0; i < n1; i++) {
        const f1 = f1s[i] as number
        const z = fo[f1] as number
        if (this.opts.cycleGuard && z === s) continue
        const c1 = Math.max(h, d1s[i] as number)
        if (rule.shape === 'chain2' || rule.shape === 'tiedChain2') {
          const f2 = src.ground(q2 as number, z, o, mask)
          if (f2 < 0) continue
          const c = Math.max(c1, src.lastD2)
          if (c < best.cost) best = { cost: c, rule: r, facts: [f1, f2] }
          continue
        }
        const n2 = src.partial(
          q2 as number,
          z,
          this.opts.kBind,
          mask,
          this.idx[1] as Int32Array,
          this.d2[1] as Float64Array,
        )
        for (let j = 0; j < n2; j++) {
          const f2 = (this.idx[1] as Int32Array)[j] as number
          const w = fo[f2] as number
          if (this.opts.cycleGuard && (w === s || w === z)) continue
          const f3 = src.ground(q3 as number, w, o, mask)
          if (f3 < 0) continue
          const c = Math.max(c1, (this.d2[1] as Float64Array)[j] as number, src.lastD2)
          if (c < best.cost) best = { cost: c, rule: r, facts: [f1, f2, f3] }
        }
      }
    }
    return best
  }
}

/** The kernels on a proof of goal (p, s, o), recomputed from the current embeddings. */
export function proofKernels(
  nkb: NeuralKb,
  p: number,
  s: number,
  o: number,
  proof: Proof,
): KernelTerm[] {
  const { W, dim, fp, fs, fo } = nkb
  const term = (a: number[], b: number[]): KernelTerm => ({
    a,
    b,
    d2: a.reduce((acc, x, i) => acc + rowD2(W, dim, x, b[i] as number), 0),
  })
  const fact = (f: number) => [fp[f] as number, fs[f] as number, fo[f] as number]
  if (proof.rule < 0) {
    const f = proof.facts[0] as number
    return [term([p, s, o], fact(f))]
  }
  const rule = nkb.rules[proof.rule] as Rule
  const out = [term([rule.head], [p])]
  // Variables: X=0, Y=1, Z=2, W=3; Z and W bind to the objects of the facts that prove them.
  const vars: (number | undefined)[] = [s, o, undefined, undefined]
  SHAPE_ATOMS[rule.shape].forEach(([sv, ov], i) => {
    const f = proof.facts[i] as number
    const pred = rule.body[i] as number
    const subj = vars[sv] as number
    const obj = vars[ov]
    if (obj === undefined) {
      out.push(term([pred, subj], [fp[f] as number, fs[f] as number]))
      vars[ov] = fo[f] as number
    } else out.push(term([pred, subj, obj], fact(f)))
  })
  return out
}

/** The bottleneck kernel of a proof (the one its score and gradient come from). */
export function bottleneck(terms: KernelTerm[]): KernelTerm {
  return terms.reduce((a, b) => (b.d2 > a.d2 ? b : a))
}
