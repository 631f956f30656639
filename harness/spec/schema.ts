/**
 * The suite schema: the single source of truth for what a person writes in `suites/*.suite.ts`.
 * Unknown keys are rejected everywhere, so a typo is an error, not a silently ignored setting.
 */
import { z } from 'zod'

const Name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be kebab-case: a-z, 0-9, "_", "-"')
const Params = z.record(z.string(), z.unknown())
const Grid = z.record(z.string(), z.array(z.unknown()).min(1))

/** A dataset or subject entry: registry name, fixed params and a grid of params to sweep. */
const EntrySchema = z.strictObject({
  name: Name,
  /** Distinguishes two entries of the same registry name; defaults to `name`. */
  id: Name.optional(),
  params: Params.optional(),
  grid: Grid.optional(),
})

/** A subject entry may name its own baseline (e.g. a two-thread kernel against two-thread dense). */
const SubjectEntrySchema = EntrySchema.extend({
  /** Subject id this subject's ratios are taken against. @default the suite's `baseline` */
  baseline: Name.optional(),
})

/** What a profile or a command-line override may change. */
const PatchSchema = z.strictObject({
  seeds: z.number().int().min(1).optional(),
  timeoutS: z.number().positive().optional(),
  /**
   * Wall-clock budget of the whole profile on the 2-core reference machine, seconds: the run says
   * whether its trials fit it (a declared target, checked by the run, not by the tests).
   */
  budgetS: z.number().positive().optional(),
  /** Subject ids this profile runs; the suite's other subjects are left out of it. */
  only: z.array(z.string()).min(1).optional(),
  /** Per entry id: params and grid replaced key by key. */
  datasets: z
    .record(z.string(), z.strictObject({ params: Params.optional(), grid: Grid.optional() }))
    .optional(),
  subjects: z
    .record(z.string(), z.strictObject({ params: Params.optional(), grid: Grid.optional() }))
    .optional(),
})

const TableSchema = z.strictObject({
  name: Name,
  title: z.string().optional(),
  /** Metrics shown as columns (mean ± 95% CI over seeds); the first one gets the ratio column. */
  metrics: z.array(z.string()).min(1),
  /** Row parameters to leave out of the row label (constant or uninteresting ones). */
  hide: z.array(z.string()).optional(),
})

const FigureSchema = z.strictObject({
  name: Name,
  title: z.string().optional(),
  /** Field names: a metric, a parameter (`batch`), or `subject` / `dataset`. */
  x: z.string(),
  y: z.string(),
  color: z.string().optional(),
  facet: z.string().optional(),
  mark: z.enum(['line', 'point', 'bar']).optional(),
  logX: z.boolean().optional(),
  logY: z.boolean().optional(),
  /** Axis titles; the y title defaults to the metric and its unit. */
  xTitle: z.string().optional(),
  yTitle: z.string().optional(),
})

export const SuiteSpecSchema = z.strictObject({
  name: Name,
  description: z.string().min(1),
  datasets: z.array(EntrySchema).min(1),
  subjects: z.array(SubjectEntrySchema).min(1),
  /** The subject id every other subject is compared with. */
  baseline: z.string().optional(),
  /** Seeds per trial point (>= 3 in `default` and `paper` for accuracy-type metrics). */
  seeds: z.number().int().min(1).default(3),
  /** Per-trial wall-clock limit in seconds. */
  timeoutS: z.number().positive().default(600),
  profiles: z
    .strictObject({
      smoke: PatchSchema.optional(),
      default: PatchSchema.optional(),
      paper: PatchSchema.optional(),
    })
    .default({}),
  tables: z.array(TableSchema).default([]),
  figures: z.array(FigureSchema).default([]),
})

/** What a person writes. */
export type SuiteSpec = z.input<typeof SuiteSpecSchema>
/** After schema defaults. */
export type ParsedSuite = z.output<typeof SuiteSpecSchema>
export type SuitePatch = z.output<typeof PatchSchema>
export type TableSpec = z.output<typeof TableSchema>
export type FigureDecl = z.output<typeof FigureSchema>
export { PatchSchema }

/** Identity function that gives a suite literal its type. */
export function defineSuite(spec: SuiteSpec): SuiteSpec {
  return spec
}

/** `methods[1].params.sparsity` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/** One line from a zod error: the first issue, with its path. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid value'
  const path = formatPath([...(prefix ? [prefix] : []), ...issue.path])
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ')
    return `${path ? `${path}: ` : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`
  }
  return `${path ? `${path}: ` : ''}${issue.message}`
}
