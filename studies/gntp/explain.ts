/**
 * Proof explanations: the best proof of a goal as text, each step with its kernel score, e.g.
 *
 *   locatedIn(Spain, Europe)  score 0.93
 *     via rule #4  locatedIn'(X,Y) :- locatedIn''(X,Z), locatedIn''(Z,Y)   head ≈ locatedIn 0.98
 *     locatedIn''(Spain, Z) ≈ locatedIn(Spain, Southern Europe (subregion))  0.95
 *     locatedIn''(Southern Europe (subregion), Europe) ≈ locatedIn(Southern Europe (subregion), Europe)  0.93
 *
 * Rule predicates are unnamed vectors; each is shown as the KB relation nearest to it.
 */
import type { KnowledgeBase } from '../../datasets/kb.ts'
import { rowD2 } from './fact-source.ts'
import type { NeuralKb, Rule } from './neural-kb.ts'
import { SHAPE_ATOMS } from './neural-kb.ts'
import { type Proof, proofKernels, scoreOf } from './prover.ts'

export function explainProof(
  kb: KnowledgeBase,
  nkb: NeuralKb,
  goal: [number, number, number],
  proof: Proof,
): string {
  const ent = (row: number) => kb.entities[row - nkb.entityBase] ?? `#${row}`
  const rel = (row: number) =>
    row < nkb.nRel
      ? (kb.relations[row] as string)
      : row < nkb.nRel + kb.patterns.length
        ? `"${(kb.patterns[row - nkb.nRel] as string[]).join(' ')}"`
        : nearestRelation(kb, nkb, row)
  const atom = (p: number, s: string, o: string) => `${rel(p)}(${s}, ${o})`
  const fact = (f: number) =>
    atom(nkb.fp[f] as number, ent(nkb.fs[f] as number), ent(nkb.fo[f] as number))
  const [p, s, o] = goal
  const head = `${atom(p, ent(s), ent(o))}  score ${scoreOf(proof.cost).toFixed(3)}`
  if (!Number.isFinite(proof.cost)) return `${head}\n  no proof`
  const terms = proofKernels(nkb, p, s, o, proof)
  if (proof.rule < 0)
    return `${head}\n  fact ≈ ${fact(proof.facts[0] as number)}  ${scoreOf(terms[0]?.d2 ?? Infinity).toFixed(3)}`
  const rule = nkb.rules[proof.rule] as Rule
  const names = ['X', 'Y', 'Z', 'W']
  const body = SHAPE_ATOMS[rule.shape].map(
    ([a, b], i) => `${rel(rule.body[i] as number)}(${names[a]},${names[b]})`,
  )
  const lines = [
    head,
    `  via rule #${proof.rule}  ${rel(rule.head)}(X,Y) :- ${body.join(', ')}   head ${scoreOf(terms[0]?.d2 ?? Infinity).toFixed(3)}`,
  ]
  proof.facts.forEach((f, i) => {
    lines.push(`  ${body[i]} ≈ ${fact(f)}  ${scoreOf(terms[i + 1]?.d2 ?? Infinity).toFixed(3)}`)
  })
  return lines.join('\n')
}

/** A rule predicate shown as "≈relation" after the KB relation nearest to it. */
function nearestRelation(kb: KnowledgeBase, nkb: NeuralKb, row: number): string {
  let best = 0
  let bd = Number.POSITIVE_INFINITY
  for (let r = 0; r < nkb.nRel; r++) {
    const d = rowD2(nkb.W, nkb.dim, row, r)
    if (d < bd) {
      bd = d
      best = r
    }
  }
  return `≈${kb.relations[best]}`
}
