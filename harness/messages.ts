/**
 * The message catalog: every error a user can cause, in one place, each with its stable code
 * (printed as `error[<code>]`), its text and, where one helps, a hint. The CLI prints
 * `error[<code>]: <text>; <hint>` on one line and exits 2.
 *
 * Wording (STYLE.md): the failed action, then the state, values quoted, no trailing period.
 */
import { EffbenchError, ErrorCode, quoteList } from './errors.ts'
import { DEVICES, PROFILES } from './types.ts'

const RECORDS = 'records.jsonl'

interface Message<A extends unknown[]> {
  code: ErrorCode
  text: (...args: A) => string
  hint?: (...args: A) => string
}

const define = <A extends unknown[]>(m: Message<A>) => m

export const messages = {
  // The command line.
  unknownCommand: define({
    code: ErrorCode.usage,
    text: (command: string, _valid: readonly string[]) => `Unknown command "${command}"`,
    hint: (_command, valid) => `valid commands: ${quoteList(valid)}`,
  }),
  unknownOption: define({
    code: ErrorCode.usage,
    text: (flag: string, command: string) => `Unknown option "${flag}" for "effbench ${command}"`,
    hint: (_flag, command) => `see effbench ${command} --help`,
  }),
  badArguments: define({
    code: ErrorCode.usage,
    text: (command: string, detail: string) =>
      `Cannot parse "effbench ${command}" arguments: ${detail}`,
  }),
  badInteger: define({
    code: ErrorCode.usage,
    text: (flag: string, value: string, min: number) =>
      `Cannot use --${flag} "${value}": expected an integer >= ${min}`,
  }),
  unknownProfile: define({
    code: ErrorCode.usage,
    text: (profile: string) => `Unknown profile "${profile}"`,
    hint: () => `valid profiles: ${quoteList(PROFILES)}`,
  }),
  unknownDevice: define({
    code: ErrorCode.usage,
    text: (device: string) => `Unknown device "${device}"`,
    hint: () => `valid devices: ${quoteList(DEVICES)}`,
  }),
  noGpu: define({
    code: ErrorCode.device,
    text: (tfjsGpu: string) =>
      `Cannot run on device "gpu": no GPU build is installed here (@tensorflow/tfjs-node-gpu: ${tfjsGpu}; onnxruntime-node has no CUDA provider libraries)`,
    hint: () => 'use --device cpu',
  }),
  runWithoutSuite: define({
    code: ErrorCode.usage,
    text: () => 'Cannot run: name at least one suite or group (effbench list shows them)',
  }),
  unknownSubjects: define({
    code: ErrorCode.usage,
    text: (arg: string, unknown: readonly string[], _known: readonly string[]) =>
      `Cannot run --subjects ${arg}: ${quoteList(unknown)} not in the suites`,
    hint: (_arg, _unknown, known) => `valid subjects: ${quoteList(known)}`,
  }),
  reportUsage: define({
    code: ErrorCode.usage,
    text: () =>
      'Cannot report: name exactly one run folder, e.g. effbench report results/default-default',
  }),
  mergeUsage: define({
    code: ErrorCode.usage,
    text: () => 'Cannot merge: expected <out-dir> <run-dir...>',
  }),
  compareUsage: define({
    code: ErrorCode.usage,
    text: () => 'Cannot compare: expected <baseline-run> <candidate-run>',
  }),
  badAlpha: define({
    code: ErrorCode.usage,
    text: (value: string) => `Cannot use --alpha "${value}": expected a number in (0, 1)`,
  }),
  badFloor: define({
    code: ErrorCode.usage,
    text: (value: string) =>
      `Cannot use --floor "${value}": expected metric=fraction, e.g. latency_ms=0.05`,
  }),
  ackUnreadable: define({
    code: ErrorCode.usage,
    text: (path: string, detail: string) =>
      `Cannot read acknowledged regressions "${path}": ${detail}`,
  }),
  paperUsage: define({
    code: ErrorCode.usage,
    text: () => 'Cannot build the paper: name at least one run folder',
  }),
  paperDuplicateRun: define({
    code: ErrorCode.usage,
    text: (name: string) => `Cannot build the paper: two runs are named "${name}"`,
    hint: () => 'give them distinct folder names',
  }),
  historyUsage: define({
    code: ErrorCode.usage,
    text: () => 'Cannot show history: name at least one run folder',
  }),
  queryUsage: define({
    code: ErrorCode.usage,
    text: () => 'Cannot query: expected "<sql>" <run-dir...>',
  }),
  queryFailed: define({
    code: ErrorCode.usage,
    text: (detail: string) => `Cannot run query: ${detail}`,
  }),

  // Suites, overrides and registries.
  suiteFileMissing: define({
    code: ErrorCode.suite,
    text: (path: string) => `Cannot load suite "${path}": no such file`,
  }),
  suiteNoDefaultExport: define({
    code: ErrorCode.suite,
    text: (path: string) => `Cannot load suite "${path}": the module has no default export`,
  }),
  suiteInvalid: define({
    code: ErrorCode.suite,
    text: (suite: string, detail: string) => `Cannot load suite "${suite}": ${detail}`,
  }),
  groupUnknownMember: define({
    code: ErrorCode.suite,
    text: (group: string, member: string) =>
      `Cannot load group "${group}": it names suite "${member}", which is not registered`,
  }),
  unknownSuite: define({
    code: ErrorCode.unknownName,
    text: (name: string, _suites: readonly string[], _groups: readonly string[]) =>
      `Unknown suite "${name}"`,
    hint: (_name, suites, groups) =>
      `valid suites: ${quoteList(suites)}; groups: ${quoteList(groups)}; or a path to a .suite.ts file`,
  }),
  profileMissing: define({
    code: ErrorCode.suite,
    text: (suite: string, profile: string, _declared: readonly string[]) =>
      `Cannot run suite "${suite}" at profile "${profile}": the suite declares no ${profile} profile`,
    hint: (_suite, _profile, declared) =>
      `declared: ${declared.length > 0 ? quoteList(declared) : 'none'} (default is the base config)`,
  }),
  suiteSyntax: define({
    code: ErrorCode.suite,
    text: (where: string, detail: string) => `Cannot load suite "${where}": ${detail}`,
  }),
  emptyRecords: define({
    code: ErrorCode.records,
    text: (action: string, dir: string) => `${action} "${dir}": its ${RECORDS} holds no record`,
  }),
  overrideSyntax: define({
    code: ErrorCode.usage,
    text: (text: string) => `Cannot apply override "${text}": expected key=value`,
  }),
  overrideInvalid: define({
    code: ErrorCode.usage,
    text: (text: string, detail: string) => `Cannot apply override "${text}": ${detail}`,
    hint: () =>
      '(overridable: seeds, timeoutS, budgetS, subjects.<id>.params.<key>, subjects.<id>.grid.<key>, datasets.<id>.params.<key>, datasets.<id>.grid.<key>)',
  }),
  duplicateName: define({
    code: ErrorCode.duplicateName,
    text: (kind: string, name: string) =>
      `Cannot register ${kind} "${name}": the name is already taken`,
  }),
  unknownName: define({
    code: ErrorCode.unknownName,
    text: (kind: string, name: string, where: string, _valid: readonly string[]) =>
      `Unknown ${kind} "${name}"${where ? ` at ${where}` : ''}`,
    hint: (kind, _name, _where, valid) => `valid ${kind}s: ${quoteList(valid)}`,
  }),

  // The artifact cache.
  cacheUsage: define({
    code: ErrorCode.usage,
    text: (args: string) => `Cannot run "effbench cache ${args}": expected "info" or "clear"`,
  }),
  badCacheSize: define({
    code: ErrorCode.usage,
    text: (value: string) =>
      `Cannot use EFFBENCH_CACHE_MAX_MB "${value}": expected a number of megabytes >= 0`,
  }),
  // Records, shards and merges.
  noRecords: define({
    code: ErrorCode.records,
    text: (action: string, dir: string) => `${action} "${dir}": it has no ${RECORDS}`,
  }),
  badShard: define({
    code: ErrorCode.usage,
    text: (text: string) => `Cannot use --shard "${text}": expected i/n with 1 <= i <= n, e.g. 1/4`,
  }),
  shardCountUnset: define({
    code: ErrorCode.usage,
    text: (source: string) => `Cannot shard from ${source}: the shard count is not set`,
  }),
  mergeNoRecords: define({
    code: ErrorCode.merge,
    text: (dir: string) => `Cannot merge "${dir}": it has no ${RECORDS}`,
  }),
  mergeSplitDiffers: define({
    code: ErrorCode.merge,
    text: (differences: readonly string[]) =>
      `Cannot merge: the shards were split differently (${differences.join('; ')})`,
    hint: () => 'rerun them with the same --costs and trials (--force to merge anyway)',
  }),
  mergeMixedEnvironments: define({
    code: ErrorCode.merge,
    text: (envs: readonly string[]) =>
      `Cannot merge: the records come from ${envs.length} different environments (${envs.join(', ')}); their timings are not comparable`,
    hint: () => '(--force to merge anyway)',
  }),
} as const

/** One-line notes of the persistent artifact cache (warnings, not errors: the run goes on). */
export const cacheNotes = {
  hit: (artifact: string, address: string) => `artifact cache: reused ${artifact} ${address}`,
  corrupt: (artifact: string, address: string, reason: string) =>
    `artifact cache: entry ${address} (${artifact}) is corrupt (${reason}); rebuilding it`,
  writeFailed: (artifact: string, dir: string, reason: string) =>
    `artifact cache: cannot store ${artifact} in "${dir}" (${reason}); it will be rebuilt next time`,
} as const

export type MessageKey = keyof typeof messages
type ArgsOf<K extends MessageKey> = Parameters<(typeof messages)[K]['text']>

/** The error for catalog entry `key`, text and hint on one line. */
export function errorOf<K extends MessageKey>(key: K, ...args: ArgsOf<K>): EffbenchError {
  const m = messages[key] as Message<ArgsOf<K>>
  const text = m.text(...args)
  const hint = m.hint?.(...args)
  const sep = hint?.startsWith('(') ? ' ' : '; '
  return new EffbenchError(m.code, hint ? `${text}${sep}${hint}` : text)
}

/** Throw the error for catalog entry `key`. */
export function fail<K extends MessageKey>(key: K, ...args: ArgsOf<K>): never {
  throw errorOf(key, ...args)
}

/** The first line of a thrown value's message, trimmed (for one-line error texts). */
export function firstLine(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').trim()
}
