/**
 * `qa-countries`: extractive QA over real facts from the `world-countries` npm package (capitals,
 * subregions, languages, borders), phrased as short passages with paraphrase templates.
 *
 *   pool:      countries whose name, capital, subregion and first language fit in 1-3 tokens
 *   split:     the pool is shuffled (seeded) and cut 70/15/15, so test asks about countries never
 *              seen in training (answers must be read, not remembered)
 *   passage:   3 countries from the split's pool (one asked about, two distractors), each in 3-4
 *              sentences drawn from paraphrase templates; "its capital" is a coreference
 *   questions: capital, region, language, border; test asks with held-out template 2
 *
 * The package is read through `require`, so a machine without it gets a clear error.
 */
import { createRequire } from 'node:module'
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import { type QaExample, type QaSplits, tokenize } from './qa-text.ts'

/** The fields of a `world-countries` record this dataset reads. */
interface CountryRecord {
  name: { common: string }
  cca3: string
  capital: string[]
  subregion: string
  languages: Record<string, string>
  borders: string[]
  independent: boolean
}

interface Country {
  name: string[]
  capital: string[]
  subregion: string[]
  language: string[]
  /** Bordering countries of the pool, by name tokens. */
  borders: string[][]
}

const QUESTIONS = {
  capital: [
    'what is the capital of C ?',
    'which city is the capital of C ?',
    'the capital of C is which city ?',
  ],
  region: ['where is C ?', 'in which region is C ?', 'C is in which region ?'],
  language: [
    'what language do people in C speak ?',
    'which language is spoken in C ?',
    'people in C speak which language ?',
  ],
  border: [
    'which country borders C ?',
    'what country does C border ?',
    'C borders which country ?',
  ],
} as const
export type CountryQuestionType = keyof typeof QUESTIONS
export const COUNTRY_QUESTION_TYPES = Object.keys(QUESTIONS) as CountryQuestionType[]

export const CountriesParams = z.strictObject({
  train: z.number().int().min(1).default(2000),
  dev: z.number().int().min(1).default(300),
  test: z.number().int().min(1).default(500),
  /** Countries per passage (one asked about, the others distractors). @default 3 */
  countriesPerPassage: z.number().int().min(2).max(6).default(3),
})
export type CountriesParams = z.output<typeof CountriesParams>

const require = createRequire(import.meta.url)

/** The usable countries of `world-countries`, in the package's order. */
export function loadCountries(): Country[] {
  let records: CountryRecord[]
  try {
    records = require('world-countries') as CountryRecord[]
  } catch {
    throw new Error('Cannot load qa-countries: the npm package "world-countries" is not installed')
  }
  const fits = (t: string[]) => t.length >= 1 && t.length <= 3
  const byCode = new Map(records.map((r) => [r.cca3, tokenize(r.name.common)]))
  const out: Country[] = []
  for (const r of records) {
    const name = tokenize(r.name.common)
    const capital = tokenize(r.capital[0] ?? '')
    const subregion = tokenize(r.subregion ?? '')
    const language = tokenize(Object.values(r.languages ?? {})[0] ?? '')
    if (!r.independent || ![name, capital, subregion, language].every(fits)) continue
    const borders = (r.borders ?? []).map((c) => byCode.get(c) ?? []).filter(fits)
    out.push({ name, capital, subregion, language, borders })
  }
  return out
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T
}

const w = (t: string[]) => t.join(' ')

/** Sentences about one country; returns where the capital sentence uses "its". */
function describe(rng: Rng, c: Country): { text: string[]; corefCapital: boolean } {
  const n = w(c.name)
  const text = [
    pick(rng, [`${n} is a country in ${w(c.subregion)} .`, `${n} lies in ${w(c.subregion)} .`]),
  ]
  const capital = rng.int(3)
  text.push(
    [
      `its capital is ${w(c.capital)} .`,
      `the capital of ${n} is ${w(c.capital)} .`,
      `${w(c.capital)} is the capital of ${n} .`,
    ][capital] as string,
  )
  text.push(
    pick(rng, [
      `people in ${n} speak ${w(c.language)} .`,
      `the language of ${n} is ${w(c.language)} .`,
    ]),
  )
  const borders = c.borders.slice(0, 2)
  if (borders.length > 0) text.push(`${n} borders ${borders.map(w).join(' and ')} .`)
  return { text, corefCapital: capital === 0 }
}

/** First position of `span` in `tokens` at or after `from`. */
function find(tokens: readonly string[], span: readonly string[], from: number): number {
  for (let i = from; i + span.length <= tokens.length; i++)
    if (span.every((t, k) => tokens[i + k] === t)) return i
  return -1
}

function generateSplit(
  rng: Rng,
  pool: Country[],
  p: CountriesParams,
  count: number,
  templates: readonly number[],
  prefix: string,
): QaExample[] {
  if (pool.length < p.countriesPerPassage)
    throw new RangeError(
      `Cannot generate qa-countries: ${pool.length} countries for ${p.countriesPerPassage} per passage`,
    )
  const out: QaExample[] = []
  while (out.length < count) {
    const chosen = rng.shuffle([...pool]).slice(0, p.countriesPerPassage)
    const parts = chosen.map((c) => describe(rng, c))
    const focus = rng.int(chosen.length)
    const c = chosen[focus] as Country
    const passage = parts.flatMap((x) => x.text.flatMap(tokenize))
    const before = parts.slice(0, focus).reduce((a, x) => a + x.text.flatMap(tokenize).length, 0)
    const types = COUNTRY_QUESTION_TYPES.filter((t) => t !== 'border' || c.borders.length > 0)
    const type = pick(rng, types)
    const golds =
      type === 'capital'
        ? [c.capital]
        : type === 'region'
          ? [c.subregion]
          : type === 'language'
            ? [c.language]
            : c.borders.slice(0, 2)
    const first = golds[0] as string[]
    const start = find(passage, first, before)
    if (start < 0) continue
    const template = pick(rng, templates)
    const question = tokenize((QUESTIONS[type][template] as string).replace(/\bC\b/, w(c.name)))
    out.push({
      id: `${prefix}-${out.length}`,
      passage,
      question,
      start,
      end: start + first.length - 1,
      answers: golds.map(w),
      type,
      hops: type === 'capital' && parts[focus]?.corefCapital ? 'coref' : '1-hop',
      template,
    })
  }
  return out
}

/** Generates train/dev/test from disjoint country pools, deterministically from `seed`. */
export function generateCountries(seed: number, params: Partial<CountriesParams> = {}): QaSplits {
  const p = CountriesParams.parse(params)
  const rng = new Rng(seed)
  const pool = rng.fork('pool').shuffle(loadCountries())
  const a = Math.round(pool.length * 0.7)
  const b = Math.round(pool.length * 0.85)
  return {
    train: generateSplit(rng.fork('train'), pool.slice(0, a), p, p.train, [0, 1], 'train'),
    dev: generateSplit(rng.fork('dev'), pool.slice(a, b), p, p.dev, [0, 1], 'dev'),
    test: generateSplit(rng.fork('test'), pool.slice(b), p, p.test, [2], 'test'),
  }
}

export const qaCountries: DatasetDef<CountriesParams, QaSplits> = {
  name: 'qa-countries',
  description:
    'Extractive QA over world-countries facts (capital, region, language, border); unseen countries and templates in test',
  version: '1',
  params: CountriesParams,
  async load(ctx, params) {
    return generateCountries(ctx.sharedSeed, params)
  },
}
