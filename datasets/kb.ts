/**
 * A small knowledge base of (predicate, subject, object) facts, the shape shared by
 * `countries-kb` and `kinship-kb`. Facts are integer triples into `relations` / `entities`.
 *
 * Textual mentions: a relation index >= `relations.length` names a surface pattern
 * (`patterns[r - relations.length]`, a list of words); the provers encode it as the mean of
 * its word vectors, so mentions and KB facts live in one space.
 */

/** [predicate, subject, object]. */
export type Triple = readonly [number, number, number]

export interface KnowledgeBase {
  name: string
  entities: string[]
  relations: string[]
  /** Surface patterns of textual mentions, as word lists (may be empty). */
  patterns: string[][]
  /** Facts the prover may use and trains on. */
  train: Triple[]
  dev: Triple[]
  test: Triple[]
  /** How to evaluate: region classification (AUC-PR) or filtered ranking (MRR, Hits@k). */
  task:
    | { kind: 'countries'; locatedIn: number; regions: number[]; testCountries: number[] }
    | { kind: 'ranking' }
  /** Rule templates suited to this KB, in the `p(X,Y) :- q(X,Z), r(Z,Y)` family. */
  templates: RuleTemplate[]
}

/**
 * A rule template: its shape and how many instances (each with its own learnable predicates).
 * `symmetric`: p(X,Y) :- p(Y,X) (one shared predicate); `inverse`: p(X,Y) :- q(Y,X);
 * `chain2`: p(X,Y) :- q(X,Z), r(Z,Y); `chain3`: p(X,Y) :- q(X,Z), r(Z,W), s(W,Y);
 * `implies`: p(X,Y) :- q(X,Y). `tiedChain2` shares one predicate across the three atoms.
 */
export interface RuleTemplate {
  shape: 'implies' | 'inverse' | 'symmetric' | 'chain2' | 'tiedChain2' | 'chain3'
  instances: number
}

/** Number of facts per predicate (mentions counted per pattern). */
export function countByRelation(kb: KnowledgeBase, facts: readonly Triple[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const [p] of facts) {
    const name =
      p < kb.relations.length
        ? (kb.relations[p] as string)
        : `"${(kb.patterns[p - kb.relations.length] ?? []).join(' ')}"`
    out.set(name, (out.get(name) ?? 0) + 1)
  }
  return out
}
