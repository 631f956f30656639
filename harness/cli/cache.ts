/**
 * `effbench cache info|clear`: the persistent artifact cache (trained networks and other
 * expensive artifacts, reused across runs, shards and `--isolate` children).
 *
 * Where it lives: `$EFFBENCH_CACHE_DIR`, else `results/.cache` under the working directory (git
 * ignores it). Its size cap: `$EFFBENCH_CACHE_MAX_MB` megabytes (default 2048); least recently
 * used entries are evicted after each write.
 */
import { resolve } from 'node:path'
import { fail } from '../messages.ts'
import { ArtifactStore } from '../store/artifacts.ts'
import type { Command } from './options.ts'

/** The cache folder used when `$EFFBENCH_CACHE_DIR` is not set (relative to the working directory). */
export const DEFAULT_CACHE_DIR = 'results/.cache'
/** @default 2048 MB */
export const DEFAULT_CACHE_MAX_MB = 2048

/** The cache folder and size cap this process uses, from the environment variables. */
export function cacheLocation(env: NodeJS.ProcessEnv = process.env): {
  dir: string
  maxBytes: number
} {
  const dir = resolve(env.EFFBENCH_CACHE_DIR || DEFAULT_CACHE_DIR)
  const text = env.EFFBENCH_CACHE_MAX_MB
  const mb = text === undefined || text === '' ? DEFAULT_CACHE_MAX_MB : Number(text)
  if (!Number.isFinite(mb) || mb < 0) fail('badCacheSize', text ?? '')
  return { dir, maxBytes: Math.floor(mb * 2 ** 20) }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

export const cache: Command = {
  name: 'cache',
  usage: 'cache <info|clear>',
  summary: 'show or empty the persistent artifact cache (trained networks)',
  description: `The cache keeps trained networks and other expensive artifacts between runs, addressed
by their config, the content of the sources that made them and the environment hash.
Folder: $EFFBENCH_CACHE_DIR, else ${DEFAULT_CACHE_DIR}. Size cap: $EFFBENCH_CACHE_MAX_MB
(default ${DEFAULT_CACHE_MAX_MB}); least recently used entries go first.
'effbench run --no-cache' neither reads nor writes it.`,
  options: {},
  run(_app, p, io) {
    const [action, ...extra] = p.positionals
    if ((action !== 'info' && action !== 'clear') || extra.length > 0)
      fail('cacheUsage', p.positionals.join(' '))
    const { dir, maxBytes } = cacheLocation()
    const store = new ArtifactStore(dir, maxBytes)
    if (action === 'clear') {
      const { entries, bytes } = store.clear()
      io.stdout.write(`removed ${entries} entries (${mib(bytes)}) from ${dir}\n`)
      return 0
    }
    const info = store.info()
    const range =
      info.oldestMs !== undefined && info.newestMs !== undefined
        ? `; last used ${new Date(info.oldestMs).toISOString()} .. ${new Date(info.newestMs).toISOString()}`
        : ''
    io.stdout.write(
      `${dir}: ${info.entries} entries, ${mib(info.bytes)} of ${mib(info.maxBytes)}${range}\n`,
    )
    return 0
  },
}
