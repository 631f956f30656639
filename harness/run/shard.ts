/**
 * Sharding: trial i of a run belongs to shard (hash(key) mod n) + 1, so a shard's trials are
 * stable whatever the order, filters or number of suites. With the durations of an earlier run
 * (`--costs <run-dir>`) shards are balanced by expected time instead. Shard indices can come from
 * the command line (`--shard 2/4`), a Slurm array or a Kubernetes Indexed Job.
 */
import { createHash } from 'node:crypto'
import { fail } from '../messages.ts'

/** 1-based shard index out of `count`. */
export interface Shard {
  index: number
  count: number
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index < 1 || index > count) {
    fail('badShard', text)
  }
  return { index, count }
}

/**
 * A shard from the environment: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (task ids counted
 * from SLURM_ARRAY_TASK_MIN, default 0), or JOB_COMPLETION_INDEX (0-based) with EFFBENCH_SHARD_COUNT.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): Shard | undefined {
  const pick = (
    id: string | undefined,
    count: string | undefined,
    min: string | undefined,
    source: string,
  ) => {
    if (id === undefined) return undefined
    if (count === undefined) {
      fail('shardCountUnset', source)
    }
    return parseShard(`${Number(id) - Number(min ?? 0) + 1}/${count}`)
  }
  return (
    pick(
      env.SLURM_ARRAY_TASK_ID,
      env.SLURM_ARRAY_TASK_COUNT,
      env.SLURM_ARRAY_TASK_MIN,
      'SLURM_ARRAY_TASK_ID (set SLURM_ARRAY_TASK_COUNT)',
    ) ??
    pick(
      env.JOB_COMPLETION_INDEX,
      env.EFFBENCH_SHARD_COUNT,
      '0',
      'JOB_COMPLETION_INDEX (set EFFBENCH_SHARD_COUNT)',
    )
  )
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count === 1) return true
  const h = createHash('sha256').update(key).digest().readUInt32LE(0)
  return (h % shard.count) + 1 === shard.index
}

/**
 * Cost-aware shards: trials sorted by expected duration, longest first (ties by key), each given
 * to the shard with the least expected work so far (LPT scheduling: within 4/3 of the best
 * makespan). Durations are looked up by config key, which does not change with the commit, so
 * last night's records balance tonight's run; a trial without one is expected to take the median
 * known duration. Every shard computes the same assignment from the same inputs.
 * Returns the 1-based shard of each trial key.
 */
export function assignShards(
  trials: readonly { key: string; configKey: string }[],
  count: number,
  durations: ReadonlyMap<string, number>,
): Map<string, number> {
  const known = [...durations.values()].filter((d) => d >= 0).sort((a, b) => a - b)
  const fallback = known.length > 0 ? (known[Math.floor(known.length / 2)] as number) : 1
  const cost = (t: { configKey: string }) => durations.get(t.configKey) ?? fallback
  const order = [...trials].sort(
    (a, b) => cost(b) - cost(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  )
  const load = new Array<number>(count).fill(0)
  const out = new Map<string, number>()
  for (const t of order) {
    let best = 0
    for (let i = 1; i < count; i++) if ((load[i] as number) < (load[best] as number)) best = i
    load[best] = (load[best] as number) + cost(t)
    out.set(t.key, best + 1)
  }
  return out
}

/** What a shard folder records of how its run was split (shard.json); merge checks they agree. */
export interface ShardManifest {
  index: number
  count: number
  /** Trials in the whole run, before sharding. */
  total: number
  /** `key-hash`, or `costs:<hash of the durations>` for cost-aware shards. */
  split: string
}

export const SHARD_FILE = 'shard.json'

export function shardSplit(costs: ReadonlyMap<string, number> | undefined): string {
  if (!costs) return 'key-hash'
  const entries = [...costs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `costs:${createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 12)}`
}
