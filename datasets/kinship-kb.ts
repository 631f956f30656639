/**
 * `kinship-kb`: a generated family knowledge base with known rules and a size knob.
 *
 *   families:  a founding couple per family, 2-3 children per couple, children marry outsiders,
 *              for `generations` generations (seeded)
 *   base:      parentOf, spouseOf (both directions), plus a noise relation `knows` (random pairs
 *              inside a family, no rule generates it)
 *   derived:   the ground-truth rules that generate the rest
 *                childOf(X,Y)       <- parentOf(Y,X)
 *                grandparentOf(X,Y) <- parentOf(X,Z), parentOf(Z,Y)
 *                siblingOf(X,Y)     <- childOf(X,Z), parentOf(Z,Y), X != Y
 *                auntUncleOf(X,Y)   <- siblingOf(X,Z), parentOf(Z,Y)
 *                cousinOf(X,Y)      <- childOf(X,Z), auntUncleOf(Z,Y)
 *   size:      families are added until the KB holds `facts` facts (~1k to ~32k)
 *   split:     10 % of the derived facts are test, 10 % dev (seeded); the rest train
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { KnowledgeBase, Triple } from './kb.ts'

export const KINSHIP_RELATIONS = [
  'parentOf',
  'spouseOf',
  'knows',
  'childOf',
  'grandparentOf',
  'siblingOf',
  'auntUncleOf',
  'cousinOf',
] as const
const R = Object.fromEntries(KINSHIP_RELATIONS.map((r, i) => [r, i])) as Record<
  (typeof KINSHIP_RELATIONS)[number],
  number
>
/** Relations produced by a rule (the held-out facts come from these). */
export const DERIVED = new Set([R.childOf, R.grandparentOf, R.siblingOf, R.auntUncleOf, R.cousinOf])

export const KinshipKbParams = z.strictObject({
  /** Target number of facts (all splits together). @default 1000 */
  facts: z.number().int().min(50).max(200_000).default(1000),
  generations: z.number().int().min(2).max(5).default(3),
  testShare: z.number().min(0).max(0.5).default(0.1),
  devShare: z.number().min(0).max(0.5).default(0.1),
  /** Rule template instances per shape (implies, inverse, chain2). @default 4 */
  instances: z.number().int().min(1).max(40).default(4),
})
export type KinshipKbParams = z.output<typeof KinshipKbParams>

/** Every fact of one family whose people are numbered from `base`; returns the people count. */
function family(rng: Rng, base: number, generations: number, out: Triple[]): number {
  let n = base
  const parents = new Map<number, number[]>()
  const children = new Map<number, number[]>()
  const link = (p: number, c: number) => {
    out.push([R.parentOf, p, c])
    parents.set(c, [...(parents.get(c) ?? []), p])
    children.set(p, [...(children.get(p) ?? []), c])
  }
  let couples: [number, number][] = [[n++, n++]]
  const people: number[] = [base, base + 1]
  for (let g = 0; g < generations - 1; g++) {
    const next: [number, number][] = []
    for (const [a, b] of couples) {
      out.push([R.spouseOf, a, b], [R.spouseOf, b, a])
      const k = 2 + rng.int(2)
      for (let i = 0; i < k; i++) {
        const c = n++
        people.push(c)
        link(a, c)
        link(b, c)
        if (g < generations - 2 && rng.next() < 0.8) {
          const spouse = n++
          people.push(spouse)
          next.push([c, spouse])
        }
      }
    }
    couples = next
  }
  for (const [a, b] of couples) out.push([R.spouseOf, a, b], [R.spouseOf, b, a])
  const kids = (x: number) => children.get(x) ?? []
  const pars = (x: number) => parents.get(x) ?? []
  const sib = (x: number) => [...new Set(pars(x).flatMap(kids))].filter((y) => y !== x)
  for (const x of people) {
    for (const p of pars(x)) out.push([R.childOf, x, p])
    for (const c of kids(x)) for (const g of kids(c)) out.push([R.grandparentOf, x, g])
    for (const s of sib(x)) {
      out.push([R.siblingOf, x, s])
      for (const c of kids(s)) out.push([R.auntUncleOf, x, c])
    }
    const cousins = new Set(pars(x).flatMap((p) => sib(p).flatMap(kids)))
    for (const c of cousins) out.push([R.cousinOf, x, c])
  }
  for (let i = 0; i < Math.ceil(people.length / 3); i++) {
    const a = people[rng.int(people.length)] as number
    const b = people[rng.int(people.length)] as number
    if (a !== b) out.push([R.knows, a, b])
  }
  return n - base
}

/** Build a kinship KB of about `facts` facts; deterministic per seed. */
export function buildKinshipKb(seed: number, params: KinshipKbParams): KnowledgeBase {
  const rng = new Rng(seed).fork('kinship-kb')
  const all: Triple[] = []
  let people = 0
  while (all.length < params.facts) people += family(rng, people, params.generations, all)
  const seen = new Set<string>()
  const facts = all.filter(([p, s, o]) => {
    const k = `${p},${s},${o}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
  const derived = rng.shuffle(facts.filter(([p]) => DERIVED.has(p)))
  const nTest = Math.round(params.testShare * derived.length)
  const nDev = Math.round(params.devShare * derived.length)
  const test = derived.slice(0, nTest)
  const dev = derived.slice(nTest, nTest + nDev)
  const held = new Set([...test, ...dev])
  return {
    name: `kinship-${params.facts}`,
    entities: Array.from({ length: people }, (_, i) => `person${i}`),
    relations: [...KINSHIP_RELATIONS],
    patterns: [],
    train: facts.filter((f) => !held.has(f)),
    dev,
    test,
    task: { kind: 'ranking' },
    templates: [
      { shape: 'implies', instances: params.instances },
      { shape: 'inverse', instances: params.instances },
      { shape: 'chain2', instances: params.instances },
    ],
  }
}

export const kinshipKb: DatasetDef<KinshipKbParams, KnowledgeBase> = {
  name: 'kinship-kb',
  description:
    'Generated family KB (parentOf/spouseOf + 5 derived relations from known rules, a noise relation); size knob |F| ~1k-32k',
  version: '1',
  params: KinshipKbParams,
  async load(ctx, params) {
    return buildKinshipKb(ctx.sharedSeed, params)
  },
}
