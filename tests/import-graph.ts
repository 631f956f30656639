/**
 * The layering rule of DESIGN.md, checked over the source tree:
 *
 *   suites -> (methods, baselines) -> studies -> (models, datasets) -> harness
 *
 * `datasets` never imports `models`; a method imports no other method and no baseline; a baseline
 * imports no other baseline and no method; `harness` imports nothing above it. `effbench.ts` (the
 * composition root), `scripts/` and `tests/` may import anything; so may the two list files
 * `methods/index.ts` and `baselines/index.ts`, each within its own folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'

/** What each top-level folder may import, besides itself. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  harness: [],
  datasets: ['harness'],
  models: ['harness', 'datasets'],
  studies: ['harness', 'datasets', 'models'],
  methods: ['harness', 'datasets', 'models', 'studies'],
  baselines: ['harness', 'datasets', 'models', 'studies'],
  suites: ['harness', 'datasets', 'models', 'studies', 'methods', 'baselines', 'effbench.ts'],
}

/** Folders whose subfolders are separate units that may not import each other. */
const UNITS = new Set(['methods', 'baselines'])

export interface ImportEdge {
  from: string
  to: string
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g

/** Every relative import of every .ts file under the given top-level folders. */
export function importEdges(root: string, folders = Object.keys(ALLOWED)): ImportEdge[] {
  const edges: ImportEdge[] = []
  const walk = (dir: string) => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      if (name === 'node_modules' || name.startsWith('.')) continue
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) {
        const from = relative(root, path).split(sep).join('/')
        for (const m of readFileSync(path, 'utf8').matchAll(IMPORT)) {
          const spec = (m[1] ?? m[2] ?? m[3]) as string
          const to = normalize(join(dirname(from), spec))
            .split(sep)
            .join('/')
          edges.push({ from, to })
        }
      }
    }
  }
  for (const f of folders) walk(join(root, f))
  return edges
}

/** The unit a file belongs to: `methods/pam`, `datasets`, `effbench.ts`. */
function unitOf(file: string): { top: string; unit: string } {
  const parts = file.split('/')
  const top = parts[0] as string
  if (UNITS.has(top) && parts.length > 2) return { top, unit: `${top}/${parts[1]}` }
  return { top, unit: top }
}

/** The edges that break the layering rule, each as `from -> to`. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const bad: string[] = []
  for (const { from, to } of edges) {
    const a = unitOf(from)
    const b = unitOf(to)
    if (a.unit === b.unit) continue
    if (a.top === b.top) {
      // Across units of methods/ or baselines/: only the folder's list file may do it.
      if (from === `${a.top}/index.ts` && to.split('/').length === 3) continue
      bad.push(`${from} -> ${to}`)
      continue
    }
    if (!(ALLOWED[a.top] ?? []).includes(b.top)) bad.push(`${from} -> ${to}`)
  }
  return bad
}
