/**
 * `qa-babi`: seeded extractive QA in the bAbI spirit. No bAbI file is shipped or read.
 *
 *   story:     simulate people moving between rooms (some moves timed), picking up, dropping and
 *              giving objects; a room map (north of) and room facts with number words; a person
 *              named in the previous sentence may come back as "he"/"she" (coreference)
 *   questions: where-person, where-object (two facts: who holds it, where they went),
 *              who-gave, what-picked, when, which-north, how-many (count held objects)
 *   answers:   token spans of the passage (1-3 tokens), kept only when the passage holds at least
 *              two other words of the answer's kind (distractors)
 *   splits:    train and dev ask with question templates 0-1, test with template 2 only, written
 *              with words that training also uses, so a memorised template does not pass
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import { type QaExample, type QaSplits, tokenize } from './qa-text.ts'

const MALE = ['john', 'daniel', 'bill', 'fred', 'jeff'] as const
const FEMALE = ['mary', 'sandra', 'julie', 'emma', 'kate'] as const
const ROOMS = ['kitchen', 'garden', 'office', 'bathroom', 'hallway', 'bedroom', 'cellar'] as const
const OBJECTS = ['apple', 'football', 'milk', 'book', 'key', 'box', 'hat', 'lamp'] as const
const TIMES = ['morning', 'afternoon', 'evening', 'night'] as const
const NUMBERS = ['zero', 'one', 'two', 'three'] as const
const PEOPLE: readonly string[] = [...MALE, ...FEMALE]

/** Question families and their templates; index 2 is held out for test. */
const QUESTIONS = {
  'where-person': ['where is P ?', 'in which room is P ?', 'P is in which room ?'],
  'where-object': ['where is the O ?', 'in which room is the O ?', 'the O is in which room ?'],
  'who-gave': ['who gave the O to P ?', 'who handed the O to P ?', 'who handed P the O ?'],
  'what-picked': ['what did P pick up ?', 'what did P take ?', 'P picked up what ?'],
  when: ['when did P go to the R ?', 'at what time did P go to the R ?', 'P went to the R when ?'],
  'which-north': [
    'which room is north of the R ?',
    'what is north of the R ?',
    'north of the R is which room ?',
  ],
  'how-many': [
    'how many objects is P carrying ?',
    'how many things is P holding ?',
    'P is carrying how many objects ?',
  ],
} as const
export type BabiQuestionType = keyof typeof QUESTIONS
export const BABI_QUESTION_TYPES = Object.keys(QUESTIONS) as BabiQuestionType[]

/** What answers of each family are, for the distractor check. */
const KIND: Record<BabiQuestionType, readonly string[]> = {
  'where-person': ROOMS,
  'where-object': ROOMS,
  'who-gave': PEOPLE,
  'what-picked': OBJECTS,
  when: TIMES,
  'which-north': ROOMS,
  'how-many': NUMBERS,
}

export const BabiParams = z.strictObject({
  /** Questions per split. */
  train: z.number().int().min(1).default(2000),
  dev: z.number().int().min(1).default(300),
  test: z.number().int().min(1).default(500),
  /** Story length in sentences (events plus facts), inclusive range. */
  minSentences: z.number().int().min(4).default(8),
  maxSentences: z.number().int().min(4).default(14),
  /** Chance that a sentence about the person named last uses a pronoun. @default 0.5 */
  pronounRate: z.number().min(0).max(1).default(0.5),
  /** Questions asked per story (at most one per family). @default 3 */
  questionsPerStory: z.number().int().min(1).max(7).default(3),
})
export type BabiParams = z.output<typeof BabiParams>

interface Sentence {
  tokens: string[]
  /** Token index of each person mention, resolved (pronouns map to their referent). */
  mentions: { person: string; at: number; pronoun: boolean }[]
}

interface Fact {
  kind: 'move' | 'pickup' | 'drop' | 'give'
  sentence: number
  person: string
  /** Room (move), object (pickup, drop, give). */
  what: string
  /** Recipient (give) or time (timed move). */
  extra?: string
}

interface Story {
  sentences: Sentence[]
  facts: Fact[]
  north: Map<string, { north: string; sentence: number }>
  numbers: Map<string, number>
  location: Map<string, { room: string; sentence: number }>
  holding: Map<string, Map<string, number>>
  objectAt: Map<string, { room: string; sentences: number[] }>
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T
}

const isMale = (p: string) => (MALE as readonly string[]).includes(p)

/** Simulates one story (see the module comment). */
function makeStory(rng: Rng, p: BabiParams): Story {
  const people = rng.shuffle([...PEOPLE]).slice(0, 3 + rng.int(2))
  const rooms = rng.shuffle([...ROOMS]).slice(0, 4 + rng.int(3))
  const objects = rng.shuffle([...OBJECTS]).slice(0, 3 + rng.int(3))
  const s: Story = {
    sentences: [],
    facts: [],
    north: new Map(),
    numbers: new Map(),
    location: new Map(),
    holding: new Map(people.map((q) => [q, new Map()])),
    objectAt: new Map(),
  }
  let lastPerson: string | undefined
  const subject = (person: string): { word: string; pronoun: boolean } => {
    if (person === lastPerson && rng.next() < p.pronounRate)
      return { word: isMale(person) ? 'he' : 'she', pronoun: true }
    return { word: person, pronoun: false }
  }
  const add = (text: string, mentions: Sentence['mentions'] = []) => {
    s.sentences.push({ tokens: tokenize(text), mentions })
    return s.sentences.length - 1
  }
  const holder = (o: string) => people.find((q) => s.holding.get(q)?.has(o))

  // Room facts: three rooms with three distinct number words (counts are answered from these).
  const counts = rng.shuffle([0, 1, 2, 3]).slice(0, 3)
  const facts: (() => void)[] = counts.map((n, i) => () => {
    const room = rooms[i] as string
    s.numbers.set(room, n)
    add(`the ${room} has ${NUMBERS[n]} windows .`)
  })
  const [r0, r1] = rooms as [string, string]
  facts.push(() =>
    s.north.set(r1, { north: r0, sentence: add(`the ${r0} is north of the ${r1} .`) }),
  )
  rng.shuffle(facts)

  const length = p.minSentences + rng.int(p.maxSentences - p.minSentences + 1)
  const events = Math.max(2, length - facts.length)
  // Facts are interleaved with events at random positions.
  const factAt = new Set(
    rng.shuffle(Array.from({ length: events + facts.length }, (_, i) => i)).slice(0, facts.length),
  )
  let nextFact = 0
  for (let i = 0; i < events + facts.length; i++) {
    if (factAt.has(i)) {
      facts[nextFact++]?.()
      continue
    }
    // Prefer the last-named person half of the time, so that pronouns occur.
    const person = lastPerson && rng.next() < 0.5 ? lastPerson : pick(rng, people)
    const held = s.holding.get(person) as Map<string, number>
    const here = s.location.get(person)
    const free = objects.filter((o) => holder(o) === undefined)
    const options: Fact['kind'][] = ['move', 'move']
    if (free.length > 0 && held.size < 3) options.push('pickup', 'pickup')
    if (here && held.size > 0) options.push('drop', 'give', 'give')
    const kind = pick(rng, options)
    const who = subject(person)
    if (kind === 'move') {
      const room = pick(
        rng,
        rooms.filter((r) => r !== here?.room),
      )
      const timed = rng.next() < 0.7
      const time = timed ? pick(rng, TIMES) : undefined
      const verb = pick(rng, ['went to', 'moved to', 'journeyed to'])
      const text = `${who.word} ${verb} the ${room}${time ? ` in the ${time}` : ''} .`
      const sentence = add(text, [{ person, at: 0, pronoun: who.pronoun }])
      s.location.set(person, { room, sentence })
      s.facts.push({ kind, sentence, person, what: room, ...(time ? { extra: time } : {}) })
      for (const o of held.keys()) s.objectAt.delete(o)
    } else if (kind === 'pickup') {
      const o = pick(rng, free)
      const verb = pick(rng, ['picked up', 'grabbed', 'took'])
      const sentence = add(`${who.word} ${verb} the ${o} .`, [
        { person, at: 0, pronoun: who.pronoun },
      ])
      held.set(o, sentence)
      s.objectAt.delete(o)
      s.facts.push({ kind, sentence, person, what: o })
    } else if (kind === 'drop') {
      const o = pick(rng, [...held.keys()])
      const verb = pick(rng, ['dropped', 'put down'])
      const sentence = add(`${who.word} ${verb} the ${o} .`, [
        { person, at: 0, pronoun: who.pronoun },
      ])
      held.delete(o)
      s.objectAt.set(o, {
        room: (here as { room: string }).room,
        sentences: [sentence, (here as { sentence: number }).sentence],
      })
      s.facts.push({ kind, sentence, person, what: o })
    } else {
      const o = pick(rng, [...held.keys()])
      const to = pick(
        rng,
        people.filter((q) => q !== person),
      )
      const verb = pick(rng, ['gave', 'handed'])
      const text = `${who.word} ${verb} the ${o} to ${to} .`
      const toAt = tokenize(text).length - 2
      const sentence = add(text, [
        { person, at: 0, pronoun: who.pronoun },
        { person: to, at: toAt, pronoun: false },
      ])
      held.delete(o)
      ;(s.holding.get(to) as Map<string, number>).set(o, sentence)
      s.facts.push({ kind, sentence, person, what: o, extra: to })
      lastPerson = to
      continue
    }
    lastPerson = person
  }
  return s
}

/** Passage offset of each sentence. */
function offsets(s: Story): number[] {
  const out: number[] = []
  let at = 0
  for (const x of s.sentences) {
    out.push(at)
    at += x.tokens.length
  }
  return out
}

/** The first passage position of `word` inside sentence `k`. */
function spanIn(s: Story, off: number[], k: number, word: string): number | undefined {
  const i = s.sentences[k]?.tokens.indexOf(word) ?? -1
  return i < 0 ? undefined : (off[k] as number) + i
}

/** Where a person's name is written for sentence k's mention (the antecedent for a pronoun). */
function nameSpan(
  s: Story,
  off: number[],
  k: number,
  person: string,
): { at: number; coref: boolean } | undefined {
  const m = s.sentences[k]?.mentions.find((x) => x.person === person)
  if (!m) return undefined
  if (!m.pronoun) return { at: (off[k] as number) + m.at, coref: false }
  for (let j = k - 1; j >= 0; j--) {
    const named = s.sentences[j]?.mentions.filter((x) => x.person === person && !x.pronoun)
    const last = named?.[named.length - 1]
    if (last) return { at: (off[j] as number) + last.at, coref: true }
  }
  return undefined
}

const usesPronoun = (s: Story, ks: number[]) =>
  ks.some((k) => s.sentences[k]?.mentions.some((m) => m.pronoun && m.at === 0))

interface Draft {
  type: BabiQuestionType
  fill: Record<string, string>
  at: number
  answer: string
  hops: string
}

/** Every question the story can answer unambiguously, one draft per candidate. */
function drafts(s: Story): Draft[] {
  const off = offsets(s)
  const out: Draft[] = []
  for (const [person, loc] of s.location) {
    const at = spanIn(s, off, loc.sentence, loc.room)
    if (at !== undefined)
      out.push({
        type: 'where-person',
        fill: { P: person },
        at,
        answer: loc.room,
        hops: usesPronoun(s, [loc.sentence]) ? 'coref' : '1-hop',
      })
  }
  for (const [person, held] of s.holding) {
    const loc = s.location.get(person)
    for (const [o, got] of held) {
      const at = loc && spanIn(s, off, loc.sentence, loc.room)
      if (loc && at !== undefined)
        out.push({
          type: 'where-object',
          fill: { O: o },
          at,
          answer: loc.room,
          hops: usesPronoun(s, [got, loc.sentence]) ? 'coref' : '2-hop',
        })
    }
  }
  for (const [o, lay] of s.objectAt) {
    const at = spanIn(s, off, lay.sentences[1] as number, lay.room)
    if (at !== undefined)
      out.push({
        type: 'where-object',
        fill: { O: o },
        at,
        answer: lay.room,
        hops: usesPronoun(s, lay.sentences) ? 'coref' : '2-hop',
      })
  }
  const gives = s.facts.filter((f) => f.kind === 'give')
  for (const g of gives) {
    if (gives.filter((h) => h.what === g.what && h.extra === g.extra).length !== 1) continue
    const name = nameSpan(s, off, g.sentence, g.person)
    if (name)
      out.push({
        type: 'who-gave',
        fill: { O: g.what, P: g.extra as string },
        at: name.at,
        answer: g.person,
        hops: name.coref ? 'coref' : '1-hop',
      })
  }
  for (const person of s.holding.keys()) {
    const picks = s.facts.filter((f) => f.kind === 'pickup' && f.person === person)
    const only = picks[0]
    if (picks.length !== 1 || !only) continue
    const at = spanIn(s, off, only.sentence, only.what)
    if (at !== undefined)
      out.push({
        type: 'what-picked',
        fill: { P: person },
        at,
        answer: only.what,
        hops: usesPronoun(s, [only.sentence]) ? 'coref' : '1-hop',
      })
  }
  const moves = s.facts.filter((f) => f.kind === 'move')
  for (const m of moves) {
    if (!m.extra || moves.filter((n) => n.person === m.person && n.what === m.what).length !== 1)
      continue
    const at = spanIn(s, off, m.sentence, m.extra)
    if (at !== undefined)
      out.push({
        type: 'when',
        fill: { P: m.person, R: m.what },
        at,
        answer: m.extra,
        hops: usesPronoun(s, [m.sentence]) ? 'coref' : '1-hop',
      })
  }
  for (const [south, n] of s.north) {
    const at = spanIn(s, off, n.sentence, n.north)
    if (at !== undefined)
      out.push({ type: 'which-north', fill: { R: south }, at, answer: n.north, hops: '1-hop' })
  }
  for (const [person, held] of s.holding) {
    if (!s.facts.some((f) => f.person === person || f.extra === person)) continue
    const word = NUMBERS[held.size] as string
    const k = s.sentences.findIndex((x) => x.tokens.includes(word) && x.tokens.includes('windows'))
    const at = k < 0 ? undefined : spanIn(s, off, k, word)
    if (at !== undefined)
      out.push({ type: 'how-many', fill: { P: person }, at, answer: word, hops: 'count' })
  }
  return out
}

function distinctOfKind(passage: readonly string[], kind: readonly string[]): number {
  return new Set(passage.filter((t) => kind.includes(t))).size
}

/** `count` questions from stories drawn with `rng`, asked with the given templates. */
function generateSplit(
  rng: Rng,
  p: BabiParams,
  count: number,
  templates: readonly number[],
  prefix: string,
): QaExample[] {
  const out: QaExample[] = []
  for (let story = 0; out.length < count; story++) {
    if (story > count * 20)
      throw new Error(
        `Cannot generate qa-babi: only ${out.length} of ${count} questions after ${story} stories`,
      )
    const s = makeStory(rng, p)
    const passage = s.sentences.flatMap((x) => x.tokens)
    const byType = new Map<BabiQuestionType, Draft[]>()
    for (const d of drafts(s)) {
      if (distinctOfKind(passage, KIND[d.type]) < 3) continue
      byType.set(d.type, [...(byType.get(d.type) ?? []), d])
    }
    const types = rng.shuffle([...byType.keys()]).slice(0, p.questionsPerStory)
    for (const type of types) {
      if (out.length >= count) break
      const d = pick(rng, byType.get(type) as Draft[])
      const template = pick(rng, templates)
      let text: string = QUESTIONS[type][template] as string
      for (const [k, v] of Object.entries(d.fill)) text = text.replace(new RegExp(`\\b${k}\\b`), v)
      out.push({
        id: `${prefix}-${out.length}`,
        passage,
        question: tokenize(text),
        start: d.at,
        end: d.at,
        answers: [d.answer],
        type,
        hops: d.hops,
        template,
      })
    }
  }
  return out
}

/** Generates train/dev/test deterministically from `seed`; test uses held-out templates. */
export function generateBabi(seed: number, params: Partial<BabiParams> = {}): QaSplits {
  const p = BabiParams.parse(params)
  if (p.maxSentences < p.minSentences)
    throw new RangeError(
      `Cannot generate qa-babi: maxSentences ${p.maxSentences} < minSentences ${p.minSentences}`,
    )
  const rng = new Rng(seed)
  return {
    train: generateSplit(rng.fork('train'), p, p.train, [0, 1], 'train'),
    dev: generateSplit(rng.fork('dev'), p, p.dev, [0, 1], 'dev'),
    test: generateSplit(rng.fork('test'), p, p.test, [2], 'test'),
  }
}

export const qaBabi: DatasetDef<BabiParams, QaSplits> = {
  name: 'qa-babi',
  description:
    'Seeded bAbI-style extractive QA: movement/possession chains, coreference, counting; held-out test templates',
  version: '1',
  params: BabiParams,
  async load(ctx, params) {
    return generateBabi(ctx.sharedSeed, params)
  },
}
