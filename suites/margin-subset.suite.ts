import type { SuitePatch, SuiteSpec } from '../harness/spec/schema.ts'
import margin from './margin.suite.ts'

/**
 * The `margin` suite restricted to the subject ids listed (comma-separated) in the environment
 * variable MARGIN_SUBJECTS: same name, datasets, params and profiles, so its trials have the
 * margin suite's config keys and its records merge with a full run (`effbench merge`). For
 * running parts of the long `paper` profile. Not registered: run it by path, e.g.
 *   MARGIN_SUBJECTS=cross-entropy,mma npx effbench run suites/margin-subset.suite.ts --profile paper
 */
const only = new Set(
  (process.env.MARGIN_SUBJECTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
)
const idOf = (s: { name: string; id?: string | undefined }) => s.id ?? s.name
const keep = <T>(r: Record<string, T> | undefined) =>
  Object.fromEntries(Object.entries(r ?? {}).filter(([id]) => only.has(id)))
const patched = Object.fromEntries(
  Object.entries(margin.profiles ?? {}).map(([name, p]: [string, SuitePatch | undefined]) => [
    name,
    only.size === 0 || !p ? p : { ...p, subjects: keep(p.subjects) },
  ]),
)

const subjects = margin.subjects.filter((s) => only.size === 0 || only.has(idOf(s)))
const { baseline, ...rest } = margin

export default {
  ...rest,
  subjects,
  ...(subjects.some((s) => idOf(s) === baseline) && baseline !== undefined ? { baseline } : {}),
  profiles: patched,
} satisfies SuiteSpec
