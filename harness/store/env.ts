/**
 * The environment fingerprint: what must match for two measurements to be compared. Collected
 * once per run and stored in env.json; its hash goes into every trial key and record.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { hashOf } from '../hash.ts'

export interface Environment {
  node: string
  v8: string
  platform: string
  osRelease: string
  arch: string
  cpuModel: string
  /** SIMD-relevant CPU flags (from /proc/cpuinfo where there is one). */
  cpuFlags: string[]
  cores: number
  memoryGiB: number
  /** Installed versions of the project's direct dependencies. */
  packages: Record<string, string>
  git: { commit: string; dirty: boolean }
}

const INTERESTING_FLAGS = [
  'sse4_2',
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512f',
  'avx512bw',
  'avx512vl',
  'avx512_vnni',
  'avx_vnni',
  'amx_tile',
  'asimd',
  'sve',
]

function cpuFlags(): string[] {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8')
    const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? ''
    const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? [])
    return INTERESTING_FLAGS.filter((f) => flags.has(f))
  } catch {
    return []
  }
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}

/** Versions of the dependencies named in the project's package.json, as installed. */
function packageVersions(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  let pkg: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
  try {
    pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  } catch {
    return out
  }
  const names = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ].sort()
  for (const name of names) out[name] = installedVersion(root, name) ?? 'not installed'
  return out
}

/**
 * The version of `name` as Node would load it from `root`: the nearest node_modules/<name> up the
 * tree. Read by path, not `require.resolve('<name>/package.json')`, which fails for packages whose
 * `exports` do not list package.json (vega, tinybench, koffi, graphology: once "not installed").
 */
export function installedVersion(root: string, name: string): string | undefined {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json')
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')).version
      } catch {
        return undefined
      }
    }
    if (dirname(dir) === dir) return undefined
  }
}

export function collectEnvironment(root: string): Environment {
  const commit = git(root, ['rev-parse', 'HEAD']) ?? 'unknown'
  const dirty =
    commit !== 'unknown' &&
    (git(root, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== ''
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuFlags: cpuFlags(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    packages: packageVersions(root),
    git: { commit, dirty },
  }
}

/**
 * One sitting of a run (a resumed run adds one): the 1-, 5- and 15-minute load averages when its
 * trials started and when they ended. Kept beside the fingerprint, never in it: load varies by
 * the minute, and a timing is quoted as "quiet" or "loaded" from it.
 */
export interface Sitting {
  loadStart: number[]
  loadEnd?: number[]
}

/** The 1-, 5- and 15-minute load averages now, to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100)
}

/** What identifies the environment for comparisons: everything but the code version. */
export function environmentHash(env: Environment): string {
  const { git: _git, ...rest } = env
  return hashOf(rest)
}

/** The code version: the git commit, with `-dirty` when tracked files have changes. */
export function codeVersion(env: Environment): string {
  return env.git.dirty ? `${env.git.commit}-dirty` : env.git.commit
}

/** The folders whose sources can change what an artifact (a trained network) is. */
export const ARTIFACT_SOURCE_DIRS = [
  'harness',
  'datasets',
  'models',
  'studies',
  'methods',
  'baselines',
] as const

/**
 * The code version of cached artifacts: a hash of every non-test source file under
 * `ARTIFACT_SOURCE_DIRS` (path and content). Unlike the commit, it survives commits that touch
 * only suites, tests, docs or results, and it changes with every uncommitted edit that matters.
 */
export function sourceVersion(
  root: string,
  dirs: readonly string[] = ARTIFACT_SOURCE_DIRS,
): string {
  const hash = createHash('sha256')
  const walk = (rel: string) => {
    let names: string[]
    try {
      names = readdirSync(join(root, rel)).sort()
    } catch {
      return
    }
    for (const name of names) {
      if (name === 'node_modules' || name.startsWith('.')) continue
      const path = `${rel}/${name}`
      const full = join(root, path)
      if (statSync(full).isDirectory()) walk(path)
      else if (/\.(ts|mjs|js|json|c|h)$/.test(name) && !name.endsWith('.test.ts')) {
        hash.update(`${path}\0`).update(readFileSync(full)).update('\0')
      }
    }
  }
  for (const d of dirs) walk(d)
  return `src-${hash.digest('hex').slice(0, 16)}`
}
