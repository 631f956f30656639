/**
 * Records as the current registries would resolve them: a subject's or dataset's params parsed
 * through its zod schema, so a parameter added later with a default (absent from older records)
 * gets that default, and the configKey recomputed from the filled params the way resolveSuite()
 * computes it. Records that differ only by a defaulted parameter made explicit later then group
 * as one configuration in reports, and a re-run of the same trial supersedes the older record.
 *
 * A record whose subject or dataset is no longer registered, or whose params no longer parse (a
 * parameter removed or renamed), is left as written: its own group, never guessed into another.
 */
import { hashOf } from '../hash.ts'
import type { Registries } from '../registry.ts'
import type { TrialRecord } from './record.ts'

/** The registries normalisation reads: subject and dataset definitions with a params schema. */
export type ParamsRegistries = Pick<Registries, 'subjects' | 'datasets'>

type Params = Record<string, unknown>

function filled(
  registry: ParamsRegistries['subjects'] | ParamsRegistries['datasets'],
  name: string,
  params: Params,
): Params | undefined {
  if (!registry.has(name)) return undefined
  const parsed = registry.get(name).params.safeParse(params)
  return parsed.success ? (parsed.data as Params) : undefined
}

/** The configKey of a record, as resolveSuite() derives it from its trial. */
export function configKeyOf(
  r: Pick<TrialRecord, 'suite' | 'profile' | 'subject' | 'dataset' | 'repetition' | 'rootSeed'>,
): string {
  return hashOf({
    suite: r.suite,
    profile: r.profile,
    subject: r.subject,
    dataset: r.dataset,
    repetition: r.repetition,
    rootSeed: r.rootSeed,
  })
}

/** One record with its params' defaults filled in; the same object when nothing changes. */
export function normaliseRecord(r: TrialRecord, registries: ParamsRegistries): TrialRecord {
  const sp = filled(registries.subjects, r.subject.name, r.subject.params)
  const dp = filled(registries.datasets, r.dataset.name, r.dataset.params)
  const subject = sp ? { ...r.subject, params: sp } : r.subject
  const dataset = dp ? { ...r.dataset, params: dp } : r.dataset
  const same =
    hashOf({ s: subject.params, d: dataset.params }) ===
    hashOf({ s: r.subject.params, d: r.dataset.params })
  if (same) return r
  return { ...r, subject, dataset, configKey: configKeyOf({ ...r, subject, dataset }) }
}

/** Every record normalised (see the module comment); order kept, so the latest still wins. */
export function normaliseRecords(
  records: readonly TrialRecord[],
  registries: ParamsRegistries,
): TrialRecord[] {
  return records.map((r) => normaliseRecord(r, registries))
}
