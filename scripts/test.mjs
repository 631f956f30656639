#!/usr/bin/env node
// Runs every co-located *.test.ts with node:test through tsx. Node 20's test runner does not
// expand globs, so the files are found here and passed explicitly; finding none is a failure.
// Usage: npm test [-- <path filter>...]
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const roots = [
  'harness',
  'datasets',
  'models',
  'studies',
  'methods',
  'baselines',
  'suites',
  'scripts',
  'tests',
]
const filters = process.argv.slice(2)

function walk(dir, out) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries.sort()) {
    if (name === 'node_modules') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path, out)
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const files = roots
  .flatMap((r) => walk(r, []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
if (files.length === 0) {
  console.error(
    `npm test: no test files found under ${roots.join(', ')}${filters.length ? ` matching ${filters.join(' ')}` : ''}`,
  )
  process.exit(1)
}
console.log(`npm test: ${files.length} test files`)
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, EFFBENCH_TEST: '1' },
  },
)
process.exit(r.status ?? 1)
