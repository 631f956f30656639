/**
 * The paper build: every declared table and figure of the chosen runs, re-rendered from stored
 * records only, plus `manifest.json` saying for each file which records, code versions and
 * environments it was built from. No timestamps anywhere, so two builds are byte-identical.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { fail } from '../messages.ts'
import { RECORDS_FILE } from '../run/runner.ts'
import type { ParamsRegistries } from '../store/normalise.ts'
import type { Logger } from '../types.ts'
import { type SuiteSummary, writeReport } from './write.ts'

export interface ManifestEntry {
  file: string
  sha256: string
  suites: string[]
  recordKeys: string[]
  codeVersions: string[]
  environments: string[]
}

export interface Manifest {
  runs: {
    run: string
    source: string
    environments: Record<string, unknown>
    artifacts: ManifestEntry[]
  }[]
}

const uniqueSorted = (xs: Iterable<string>) => [...new Set(xs)].sort()

export async function buildPaper(
  runDirs: readonly string[],
  outDir: string,
  logger: Logger,
  summaries: readonly SuiteSummary[] = [],
  registries?: ParamsRegistries,
): Promise<Manifest> {
  const names = runDirs.map((d) => basename(d))
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup) fail('paperDuplicateRun', dup)
  const manifest: Manifest = { runs: [] }
  for (const dir of runDirs) {
    if (!existsSync(join(dir, RECORDS_FILE))) {
      fail('noRecords', 'Cannot build the paper from', dir)
    }
    const out = join(outDir, basename(dir))
    mkdirSync(out, { recursive: true })
    const artifacts = await writeReport(dir, logger, out, summaries, registries)
    const envFile = join(dir, 'env.json')
    const environments = existsSync(envFile)
      ? (JSON.parse(readFileSync(envFile, 'utf8')).environments ?? {})
      : {}
    manifest.runs.push({
      run: basename(dir),
      source: relative(outDir, dir),
      environments,
      artifacts: artifacts.map((a) => ({
        file: relative(outDir, a.path),
        sha256: createHash('sha256').update(readFileSync(a.path)).digest('hex'),
        suites: a.suites,
        recordKeys: uniqueSorted(a.records.map((r) => r.key)),
        codeVersions: uniqueSorted(a.records.map((r) => r.codeVersion)),
        environments: uniqueSorted(a.records.map((r) => r.envHash)),
      })),
    })
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
