/**
 * `countries-kb`: the Countries link-prediction benchmark (Bouchard et al.; used by NTP and GNTP)
 * rebuilt from the `world-countries` npm package, the same mledoze/countries source.
 *
 *   facts:   locatedIn(country, subregion), locatedIn(country, region),
 *            locatedIn(subregion, region), neighborOf(country, country) (both directions)
 *   regions: the five of the package minus `Antarctic` (its territories are dropped)
 *   split:   24 test and 24 dev countries (seeded), each with a neighbour left in training
 *     S1  removes locatedIn(c, region) for test and dev countries
 *     S2  also removes locatedIn(c, subregion) for them
 *     S3  also removes locatedIn(n, region) for every neighbour n of a test country
 *   task:    score locatedIn(c, r) for each test country and region; AUC-PR over the 24 x 5 pairs
 *
 * Mentions: `mentions` (a share in [0, 1]) of the training neighborOf facts are, with
 * `mentionMode: 'mentions'`, replaced by textual mentions `X <pattern> Y` (patterns below);
 * with `'deleted'` they are removed and nothing replaces them (the control run).
 */
import { createRequire } from 'node:module'
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { KnowledgeBase, RuleTemplate, Triple } from './kb.ts'

interface CountryRecord {
  name: { common: string }
  cca3: string
  region: string
  subregion: string
  borders: string[]
}

/** Surface forms of neighborOf (our own list, present and past tense). */
export const NEIGHBOR_PATTERNS: readonly string[] = [
  'is a neighbor of',
  'is a neighbour of',
  'borders',
  'bordered',
  'shares a border with',
  'shared a border with',
  'is adjacent to',
  'was adjacent to',
  'lies next to',
  'lay next to',
  'has a frontier with',
  'had a frontier with',
  'is next door to',
  'touches the border of',
]

export const CountriesKbParams = z.strictObject({
  split: z.enum(['S1', 'S2', 'S3']).default('S1'),
  /** Test and dev countries each. @default 24 */
  heldOut: z.number().int().min(1).max(60).default(24),
  /** Share of training neighborOf facts that mentions replace (or that are deleted). @default 0 */
  mentions: z.number().min(0).max(1).default(0),
  mentionMode: z.enum(['mentions', 'deleted']).default('mentions'),
})
export type CountriesKbParams = z.output<typeof CountriesKbParams>

const require = createRequire(import.meta.url)

function loadRecords(): CountryRecord[] {
  try {
    return require('world-countries') as CountryRecord[]
  } catch {
    throw new Error('Cannot load countries-kb: the npm package "world-countries" is not installed')
  }
}

/** The rule templates of the NTP Countries configurations, per split (3 instances each). */
export function countriesTemplates(split: CountriesKbParams['split']): RuleTemplate[] {
  if (split === 'S1')
    return [
      { shape: 'symmetric', instances: 3 },
      { shape: 'tiedChain2', instances: 3 },
    ]
  if (split === 'S2')
    return [
      { shape: 'symmetric', instances: 3 },
      { shape: 'chain2', instances: 3 },
    ]
  return [
    { shape: 'symmetric', instances: 3 },
    { shape: 'tiedChain2', instances: 3 },
    { shape: 'chain2', instances: 3 },
    { shape: 'chain3', instances: 3 },
  ]
}

/** Build the Countries KB for one split; deterministic per seed. */
export function buildCountriesKb(seed: number, params: CountriesKbParams): KnowledgeBase {
  const records = loadRecords().filter((r) => r.region !== 'Antarctic' && r.region !== '')
  const entities: string[] = []
  const id = new Map<string, number>()
  const ent = (name: string): number => {
    let i = id.get(name)
    if (i === undefined) {
      i = entities.length
      entities.push(name)
      id.set(name, i)
    }
    return i
  }
  const relations = ['locatedIn', 'neighborOf']
  const LOC = 0
  const NB = 1
  const regionNames = [...new Set(records.map((r) => r.region))].sort()
  const regions = regionNames.map(ent)
  const byCode = new Map(records.map((r) => [r.cca3, r]))
  const country = new Map(records.map((r) => [r.cca3, ent(r.name.common)]))
  const neighbours = new Map<number, number[]>()
  const facts: Triple[] = []
  const subOf = new Map<number, number>()
  for (const r of records) {
    const c = country.get(r.cca3) as number
    const reg = ent(r.region)
    if (r.subregion) {
      const sub = ent(`${r.subregion} (subregion)`)
      subOf.set(c, sub)
      facts.push([LOC, c, sub])
      if (!facts.some(([p, s, o]) => p === LOC && s === sub && o === reg))
        facts.push([LOC, sub, reg])
    }
    facts.push([LOC, c, reg])
    const ns = r.borders.filter((b) => byCode.has(b)).map((b) => country.get(b) as number)
    neighbours.set(c, ns)
    for (const n of ns) facts.push([NB, c, n])
  }
  // Test and dev countries: seeded, each with at least one neighbour that stays in training.
  const rng = new Rng(seed).fork('countries-kb-split')
  const candidates = rng.shuffle(records.map((r) => country.get(r.cca3) as number))
  const held = new Set<number>()
  const test: number[] = []
  const dev: number[] = []
  for (const c of candidates) {
    if (test.length >= params.heldOut && dev.length >= params.heldOut) break
    const ns = neighbours.get(c) ?? []
    if (ns.length === 0 || !ns.some((n) => !held.has(n))) continue
    // A country whose only training neighbours are all held out would lose its anchor.
    if (
      ns.some((n) => held.has(n) && (neighbours.get(n) ?? []).every((m) => held.has(m) || m === c))
    )
      continue
    held.add(c)
    if (test.length < params.heldOut) test.push(c)
    else dev.push(c)
  }
  const regionSet = new Set(regions)
  const drop = new Set<string>()
  const key = (p: number, s: number, o: number) => `${p},${s},${o}`
  for (const c of held) {
    for (const r of regions) drop.add(key(LOC, c, r))
    if (params.split !== 'S1') {
      const sub = subOf.get(c)
      if (sub !== undefined) drop.add(key(LOC, c, sub))
    }
  }
  if (params.split === 'S3')
    for (const c of test)
      for (const n of neighbours.get(c) ?? []) for (const r of regions) drop.add(key(LOC, n, r))
  const regionOf = (c: number) =>
    facts.find(([p, s, o]) => p === LOC && s === c && regionSet.has(o))?.[2] as number
  let train = facts.filter(([p, s, o]) => !drop.has(key(p, s, o)))
  const patterns: string[][] = []
  if (params.mentions > 0) {
    const mrng = rng.fork('mentions')
    const nbIdx = train.map((f, i) => (f[0] === NB ? i : -1)).filter((i) => i >= 0)
    const chosen = new Set(mrng.shuffle(nbIdx).slice(0, Math.round(params.mentions * nbIdx.length)))
    if (params.mentionMode === 'mentions')
      for (const p of NEIGHBOR_PATTERNS) patterns.push(p.split(' '))
    train = train.flatMap((f, i): Triple[] => {
      if (!chosen.has(i)) return [f]
      if (params.mentionMode === 'deleted') return []
      return [[relations.length + mrng.int(patterns.length), f[1], f[2]]]
    })
  }
  return {
    name: `countries-${params.split}`,
    entities,
    relations,
    patterns,
    train,
    dev: dev.map((c): Triple => [LOC, c, regionOf(c)]),
    test: test.map((c): Triple => [LOC, c, regionOf(c)]),
    task: { kind: 'countries', locatedIn: LOC, regions, testCountries: test },
    templates: countriesTemplates(params.split),
  }
}

export const countriesKb: DatasetDef<CountriesKbParams, KnowledgeBase> = {
  name: 'countries-kb',
  description:
    'Countries S1/S2/S3 (world-countries): locatedIn / neighborOf facts, 24 test and 24 dev countries; optional neighborOf mentions',
  version: '1',
  params: CountriesKbParams,
  async load(ctx, params) {
    return buildCountriesKb(ctx.sharedSeed, params)
  },
}
