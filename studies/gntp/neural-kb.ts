/**
 * The neural knowledge base that NTP and GNTP share: one embedding matrix `W` whose rows are
 * relation predicates, mention patterns, rule-template predicates and entities, plus the facts
 * as row indices into it and the compiled rules.
 *
 *   rows:  [0, nRel)                      KB relations
 *          [nRel, nRel + nPat)             mention patterns (mean of their word vectors)
 *          [nRel + nPat, entityBase)       learnable predicates of the rule-template instances
 *          [entityBase, entityBase + E)    entities
 */
import type { KnowledgeBase, RuleTemplate, Triple } from '../../datasets/kb.ts'
import type { Rng } from '../../harness/run/rng.ts'

export type RuleShape = RuleTemplate['shape']

/** A compiled rule: its head predicate row and body predicate rows (chain order). */
export interface Rule {
  shape: RuleShape
  head: number
  body: number[]
}

export interface NeuralKb {
  dim: number
  W: Float32Array
  rows: number
  entityBase: number
  nRel: number
  /** Word vectors of the mention patterns ([] when the KB has no mentions). */
  words: Float32Array
  vocab: string[]
  /** Per pattern: its word ids. */
  patternWords: number[][]
  /** Facts as W rows: predicate, subject, object. */
  fp: Int32Array
  fs: Int32Array
  fo: Int32Array
  rules: Rule[]
}

/** The body atoms of each shape, as (subject var, object var) over X=0, Y=1, Z=2, W=3. */
export const SHAPE_ATOMS: Record<RuleShape, [number, number][]> = {
  implies: [[0, 1]],
  inverse: [[1, 0]],
  symmetric: [[1, 0]],
  chain2: [
    [0, 2],
    [2, 1],
  ],
  tiedChain2: [
    [0, 2],
    [2, 1],
  ],
  chain3: [
    [0, 2],
    [2, 3],
    [3, 1],
  ],
}

/** Predicate rows a shape needs: symmetric shares one, tiedChain2 shares the body's. */
function predicateSlots(shape: RuleShape): number[] {
  if (shape === 'symmetric') return [0, 0]
  if (shape === 'tiedChain2') return [0, 1, 1]
  return [0, ...SHAPE_ATOMS[shape].map((_, i) => i + 1)]
}

/** Build the neural KB of `kb` with U(-init, init) embeddings. */
export function buildNeuralKb(
  kb: KnowledgeBase,
  opts: { dim: number; init: number; rng: Rng; instances?: number | undefined },
): NeuralKb {
  const { dim, rng } = opts
  const nRel = kb.relations.length
  const nPat = kb.patterns.length
  const rules: Rule[] = []
  let next = nRel + nPat
  for (const t of kb.templates) {
    const n = opts.instances ?? t.instances
    for (let i = 0; i < n; i++) {
      const slots = predicateSlots(t.shape)
      const distinct = Math.max(...slots) + 1
      const rows = Array.from({ length: distinct }, (_, j) => next + j)
      next += distinct
      const preds = slots.map((s) => rows[s] as number)
      rules.push({ shape: t.shape, head: preds[0] as number, body: preds.slice(1) })
    }
  }
  const entityBase = next
  const rowsN = entityBase + kb.entities.length
  const W = new Float32Array(rowsN * dim)
  for (let i = 0; i < W.length; i++) W[i] = (2 * rng.next() - 1) * opts.init
  const vocab = [...new Set(kb.patterns.flat())].sort()
  const wid = new Map(vocab.map((w, i) => [w, i]))
  const patternWords = kb.patterns.map((p) => p.map((w) => wid.get(w) as number))
  const words = new Float32Array(vocab.length * dim)
  for (let i = 0; i < words.length; i++) words[i] = (2 * rng.next() - 1) * opts.init
  const fp = new Int32Array(kb.train.length)
  const fs = new Int32Array(kb.train.length)
  const fo = new Int32Array(kb.train.length)
  kb.train.forEach(([p, s, o], i) => {
    fp[i] = p
    fs[i] = entityBase + s
    fo[i] = entityBase + o
  })
  const nkb: NeuralKb = {
    dim,
    W,
    rows: rowsN,
    entityBase,
    nRel,
    words,
    vocab,
    patternWords,
    fp,
    fs,
    fo,
    rules,
  }
  encodePatterns(nkb)
  return nkb
}

/** Write each mention pattern's row as the mean of its word vectors. */
export function encodePatterns(nkb: NeuralKb): void {
  const { dim, W, words } = nkb
  nkb.patternWords.forEach((ws, i) => {
    const row = (nkb.nRel + i) * dim
    W.fill(0, row, row + dim)
    for (const w of ws)
      for (let j = 0; j < dim; j++)
        W[row + j] = (W[row + j] as number) + (words[w * dim + j] as number) / ws.length
  })
}

/** A goal as W rows. */
export function goalRows(nkb: NeuralKb, [p, s, o]: Triple): [number, number, number] {
  return [p, nkb.entityBase + s, nkb.entityBase + o]
}
