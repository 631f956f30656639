/**
 * Resolution: a suite spec becomes the list of trials it stands for. All defaults, profiles,
 * overrides and grid expansion happen here, in this order:
 *
 *   spec ─ schema defaults ─ profile patch ─ key=value overrides ─ registry checks
 *        ─ per-point param validation (subject/dataset zod schemas) ─ grid expansion ─ trials
 *
 * Trial order is dataset point → seed repetition → subject point, so the subjects compared on
 * one dataset point run next to each other. Each trial has a config key (what is run) and a full
 * key (config + code version + environment); its seed derives from the root seed and the config
 * key, so filtering or reordering trials changes nothing else.
 */
import type { z } from 'zod'
import type { EffbenchError } from '../errors.ts'
import { quoteList } from '../errors.ts'
import { hashOf } from '../hash.ts'
import { errorOf, fail } from '../messages.ts'
import type { Registries } from '../registry.ts'
import { deriveSeed } from '../run/rng.ts'
import type { Profile, SubjectKind } from '../types.ts'
import {
  describeZodError,
  type FigureDecl,
  formatPath,
  type ParsedSuite,
  PatchSchema,
  type SuitePatch,
  type SuiteSpec,
  SuiteSpecSchema,
  type TableSpec,
} from './schema.ts'

export type Params = Record<string, unknown>

export interface ResolvedEntry {
  id: string
  name: string
  /** Every grid point, validated and with the definition's defaults filled in. */
  points: Params[]
  /** The keys that vary across points (the grid axes). */
  axes: string[]
}

export interface TrialSpec {
  /** Config + code version + environment: a record with this key makes the trial skippable. */
  key: string
  /** What is run, independent of where: matches trials across machines and commits. */
  configKey: string
  suite: string
  profile: Profile
  subject: { id: string; name: string; kind: SubjectKind; params: Params }
  dataset: { id: string; name: string; version: string; params: Params }
  repetition: number
  rootSeed: number
  seed: number
  timeoutS: number
}

export interface ResolvedSuite {
  name: string
  description: string
  profile: Profile
  rootSeed: number
  seeds: number
  timeoutS: number
  /** The profile's declared wall-clock budget for all its trials, seconds. */
  budgetS: number | undefined
  baseline: string | undefined
  /** Subjects compared with another baseline than the suite's: subject id -> baseline id. */
  baselineOf: Record<string, string>
  datasets: ResolvedEntry[]
  subjects: ResolvedEntry[]
  tables: TableSpec[]
  figures: FigureDecl[]
  codeVersion: string
  envHash: string
  trials: TrialSpec[]
}

export interface ResolveOptions {
  profile: Profile
  rootSeed: number
  /** `key=value` strings, applied after the profile. */
  overrides?: readonly string[]
  codeVersion: string
  envHash: string
  /** Where the suite came from, for messages (a file path or a registry name). */
  source?: string
}

function suiteError(source: string, detail: string): EffbenchError {
  return errorOf('suiteInvalid', source, detail)
}

/** Parse an override `a.b.c=value` into a patch; the value is JSON when it parses, else a string. */
export function parseOverride(text: string): SuitePatch {
  const eq = text.indexOf('=')
  if (eq <= 0) {
    fail('overrideSyntax', text)
  }
  const path = text.slice(0, eq).split('.')
  const raw = text.slice(eq + 1)
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    value = raw
  }
  const patch: Record<string, unknown> = {}
  let node = patch
  path.forEach((part, i) => {
    if (i === path.length - 1) node[part] = value
    else {
      const next: Record<string, unknown> = {}
      node[part] = next
      node = next
    }
  })
  const parsed = PatchSchema.safeParse(patch)
  if (!parsed.success) {
    fail('overrideInvalid', text, describeZodError(parsed.error))
  }
  return parsed.data
}

type EntryPatch = { params?: Params | undefined; grid?: Record<string, unknown[]> | undefined }

function mergeEntryPatches(a: EntryPatch | undefined, b: EntryPatch | undefined): EntryPatch {
  return {
    params: { ...a?.params, ...b?.params },
    grid: { ...a?.grid, ...b?.grid },
  }
}

/** Later patches win, key by key. */
export function mergePatches(patches: readonly SuitePatch[]): SuitePatch {
  const out: SuitePatch = {}
  for (const p of patches) {
    if (p.seeds !== undefined) out.seeds = p.seeds
    if (p.timeoutS !== undefined) out.timeoutS = p.timeoutS
    if (p.budgetS !== undefined) out.budgetS = p.budgetS
    if (p.only !== undefined) out.only = p.only
    for (const field of ['datasets', 'subjects'] as const) {
      const src = p[field]
      if (!src) continue
      const dst = (out[field] ??= {})
      for (const [id, entry] of Object.entries(src)) dst[id] = mergeEntryPatches(dst[id], entry)
    }
  }
  return out
}

/** Cartesian product of a grid, in the grid's key order. */
export function expandGrid(grid: Record<string, readonly unknown[]>): Params[] {
  let points: Params[] = [{}]
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })))
  }
  return points
}

interface RawEntry {
  name: string
  id?: string | undefined
  params?: Params | undefined
  grid?: Record<string, unknown[]> | undefined
}

function resolveEntries(
  source: string,
  field: 'datasets' | 'subjects',
  entries: readonly RawEntry[],
  patch: Record<string, EntryPatch> | undefined,
  lookup: (name: string, where: string) => { params: z.ZodType },
): ResolvedEntry[] {
  const ids = entries.map((e) => e.id ?? e.name)
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) {
      throw suiteError(source, `${field}[${i}].id: "${id}" is used twice (give one entry an "id")`)
    }
  })
  for (const id of Object.keys(patch ?? {})) {
    if (!ids.includes(id)) {
      throw suiteError(
        source,
        `profile or override names ${field} "${id}", which the suite does not have; its ${field}: ${quoteList(ids)}`,
      )
    }
  }
  return entries.map((entry, i) => {
    const id = ids[i] as string
    let def: { params: z.ZodType }
    try {
      def = lookup(entry.name, `${field}[${i}].name`)
    } catch (e) {
      throw suiteError(source, (e as Error).message)
    }
    const p = patch?.[id]
    const params: Params = { ...entry.params }
    const grid: Record<string, unknown[]> = { ...entry.grid }
    // A patched fixed value replaces a grid axis of the same name and vice versa.
    for (const [k, v] of Object.entries(p?.params ?? {})) {
      params[k] = v
      delete grid[k]
    }
    for (const [k, v] of Object.entries(p?.grid ?? {})) {
      grid[k] = v
      delete params[k]
    }
    for (const k of Object.keys(grid)) {
      if (k in params)
        throw suiteError(source, `${field}[${i}]: "${k}" is both in params and in grid`)
    }
    const points = expandGrid(grid).map((point) => {
      const merged = { ...params, ...point }
      const parsed = def.params.safeParse(merged)
      if (parsed.success) return parsed.data as Params
      // Name the exact place: the grid value that failed, or the fixed param.
      const issue = parsed.error.issues[0]
      const key = issue?.path[0]
      const path: PropertyKey[] = [field, i]
      if (typeof key === 'string' && key in grid) {
        path.push(
          'grid',
          key,
          (grid[key] as unknown[]).indexOf(merged[key]),
          ...(issue?.path.slice(1) ?? []),
        )
      } else {
        path.push('params', ...(issue?.path ?? []))
      }
      const detail =
        issue?.code === 'unrecognized_keys'
          ? describeZodError(parsed.error)
          : (issue?.message ?? 'invalid value')
      throw suiteError(source, `${formatPath(path)}: ${detail} (${entry.name} params)`)
    })
    return { id, name: entry.name, points, axes: Object.keys(grid) }
  })
}

/** Load-time checks and expansion of a suite into trials. */
export function resolveSuite(
  spec: SuiteSpec,
  registries: Registries,
  options: ResolveOptions,
): ResolvedSuite {
  const source =
    options.source ?? (typeof spec === 'object' && spec && 'name' in spec ? String(spec.name) : '?')
  const parsedSpec = SuiteSpecSchema.safeParse(spec)
  if (!parsedSpec.success) throw suiteError(source, describeZodError(parsedSpec.error))
  const suite: ParsedSuite = parsedSpec.data
  // The base config is the default profile; any other profile must be declared, or a run asked
  // for `smoke` would silently run the full grid and label its records `smoke`.
  if (options.profile !== 'default' && !suite.profiles[options.profile])
    fail('profileMissing', source, options.profile, Object.keys(suite.profiles))

  const patch = mergePatches([
    ...(suite.profiles[options.profile] ? [suite.profiles[options.profile] as SuitePatch] : []),
    ...(options.overrides ?? []).map(parseOverride),
  ])
  const seeds = patch.seeds ?? suite.seeds
  const timeoutS = patch.timeoutS ?? suite.timeoutS

  const datasets = resolveEntries(source, 'datasets', suite.datasets, patch.datasets, (n, w) =>
    registries.datasets.get(n, w),
  )
  const allSubjects = resolveEntries(source, 'subjects', suite.subjects, patch.subjects, (n, w) =>
    registries.subjects.get(n, w),
  )
  for (const id of patch.only ?? []) {
    if (!allSubjects.some((s) => s.id === id))
      throw suiteError(
        source,
        `profile "${options.profile}" only: "${id}" is not one of the suite's subjects ${quoteList(allSubjects.map((s) => s.id))}`,
      )
  }
  const only = patch.only
  const subjects = only ? allSubjects.filter((s) => only.includes(s.id)) : allSubjects
  if (suite.baseline !== undefined && !subjects.some((s) => s.id === suite.baseline)) {
    throw suiteError(
      source,
      only
        ? `profile "${options.profile}" only: leaves out the suite's baseline "${suite.baseline}"`
        : `baseline: "${suite.baseline}" is not one of the suite's subjects ${quoteList(subjects.map((s) => s.id))}`,
    )
  }

  const baselineOf: Record<string, string> = {}
  suite.subjects.forEach((entry, i) => {
    if (entry.baseline === undefined) return
    if (!subjects.some((s) => s.id === (entry.id ?? entry.name))) return
    if (!subjects.some((s) => s.id === entry.baseline))
      throw suiteError(
        source,
        `subjects[${i}].baseline: "${entry.baseline}" is not one of the suite's subjects ${quoteList(subjects.map((s) => s.id))}`,
      )
    baselineOf[entry.id ?? entry.name] = entry.baseline
  })

  const trials: TrialSpec[] = []
  for (const d of datasets) {
    const ddef = registries.datasets.get(d.name)
    for (const dparams of d.points) {
      for (let repetition = 0; repetition < seeds; repetition++) {
        for (const s of subjects) {
          const sdef = registries.subjects.get(s.name)
          for (const sparams of s.points) {
            const dataset = { id: d.id, name: d.name, version: ddef.version, params: dparams }
            const subject = { id: s.id, name: s.name, kind: sdef.kind, params: sparams }
            const configKey = hashOf({
              suite: suite.name,
              profile: options.profile,
              subject,
              dataset,
              repetition,
              rootSeed: options.rootSeed,
            })
            trials.push({
              key: hashOf({ configKey, code: options.codeVersion, env: options.envHash }),
              configKey,
              suite: suite.name,
              profile: options.profile,
              subject,
              dataset,
              repetition,
              rootSeed: options.rootSeed,
              seed: deriveSeed(options.rootSeed, configKey),
              timeoutS,
            })
          }
        }
      }
    }
  }

  return {
    name: suite.name,
    description: suite.description,
    profile: options.profile,
    rootSeed: options.rootSeed,
    seeds,
    timeoutS,
    budgetS: patch.budgetS,
    baseline: suite.baseline,
    baselineOf,
    datasets,
    subjects,
    tables: suite.tables,
    figures: suite.figures,
    codeVersion: options.codeVersion,
    envHash: options.envHash,
    trials,
  }
}
