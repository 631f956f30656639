/**
 * `npm run results-table`: writes the README's generated blocks (the results table and the
 * default-profile timings) from the committed records under results/reference/.
 * `npm run results-table -- --check`: writes nothing; exits 1 naming the first cell of the README
 * that differs from what the records give.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { registries } from '../effbench.ts'
import {
  firstDifferingCell,
  readBlock,
  renderRows,
  tableMarkdown,
  timingsMarkdown,
  writeBlock,
} from './results-table/render.ts'
import { DEFAULT_RUNS, ROWS } from './results-table/rows.ts'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Each generated block's name and its content, as the records give it. */
export function generatedBlocks(root = ROOT): Record<string, string> {
  return {
    'results-table': tableMarkdown(renderRows(ROWS, root, registries)),
    ...(process.env.NO_TIMINGS
      ? {}
      : { 'results-timings': timingsMarkdown(DEFAULT_RUNS, root, registries) }),
  }
}

/** The first difference between the README's blocks and the records', or undefined. */
export function checkReadme(readme: string, blocks: Record<string, string>): string | undefined {
  for (const [name, content] of Object.entries(blocks)) {
    const diff = firstDifferingCell(readBlock(readme, name), content)
    if (diff) return `block "${name}", ${diff}`
  }
  return undefined
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = join(ROOT, 'README.md')
  const readme = readFileSync(file, 'utf8')
  const blocks = generatedBlocks()
  if (process.argv.includes('--check')) {
    const diff = checkReadme(readme, blocks)
    if (diff) {
      console.error(`results-table: README.md differs from the records: ${diff}`)
      process.exitCode = 1
    } else console.log('results-table: README.md agrees with the records')
  } else {
    let out = readme
    for (const [name, content] of Object.entries(blocks)) out = writeBlock(out, name, content)
    writeFileSync(file, out)
    console.log(`results-table: wrote ${Object.keys(blocks).length} blocks into README.md`)
  }
}
