/**
 * `ml-football`: the football matches of `vega-datasets` (`data/football.json`: 6508 matches of
 * 116 teams in 5 European leagues, 2013-07 … 2017-05) as a temporal multiplex.
 *
 *   layers: calendar months in order; the July months (a handful of Austrian matches each) are
 *           dropped, which leaves 40; the first `layers` of them are kept (37 matches the paper)
 *   nodes:  the teams that play at least once in the kept months, sorted by name
 *   edges:  a match between two teams in that month (home/away and repeats merged)
 *   labels: the team's league (no team plays in two)
 *
 * The file is read from the installed package, so a machine without it gets a one-line error.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { DatasetDef } from '../harness/types.ts'
import { layerFromPairs, type MultilayerGraph } from './multilayer-graph.ts'

interface Match {
  date: string
  division: string
  home_team: string
  away_team: string
}

export const FootballParams = z.strictObject({
  /** Monthly layers kept, from the first month on (at most 40). @default 37 */
  layers: z.number().int().min(1).max(40).default(37),
})
export type FootballParams = z.output<typeof FootballParams>

const require = createRequire(import.meta.url)

/** Reads a file of the `vega-datasets` package's data folder (its exports hide the folder). */
export function readVegaData(file: string, dataset: string): string {
  let root: string
  try {
    root = dirname(dirname(require.resolve('vega-datasets')))
  } catch {
    throw new Error(`Cannot load ${dataset}: the npm package "vega-datasets" is not installed`)
  }
  return readFileSync(join(root, 'data', file), 'utf8')
}

/** The football multiplex with the first `layers` non-July months. */
export function loadFootball(params: Partial<FootballParams> = {}): MultilayerGraph {
  const p = FootballParams.parse(params)
  const matches = JSON.parse(readVegaData('football.json', 'ml-football')) as Match[]
  const months = [...new Set(matches.map((m) => m.date.slice(0, 7)))]
    .filter((m) => !m.endsWith('-07'))
    .sort()
    .slice(0, p.layers)
  const kept = new Set(months)
  const inLayers = matches.filter((m) => kept.has(m.date.slice(0, 7)))
  const league = new Map<string, string>()
  for (const m of inLayers) {
    league.set(m.home_team, m.division)
    league.set(m.away_team, m.division)
  }
  const teams = [...league.keys()].sort()
  const index = new Map(teams.map((t, i) => [t, i]))
  const leagues = [...new Set(league.values())].sort()
  const labels = Int32Array.from(teams, (t) => leagues.indexOf(league.get(t) as string))
  const layers = months.map((month) =>
    layerFromPairs(
      month,
      inLayers
        .filter((m) => m.date.startsWith(month))
        .map((m) => [index.get(m.home_team) as number, index.get(m.away_team) as number] as const),
    ),
  )
  return { n: teams.length, layers, labels, k: leagues.length, ordered: true, nodeNames: teams }
}

export const footballMultiplex: DatasetDef<FootballParams, MultilayerGraph> = {
  name: 'ml-football',
  description:
    'Football matches (vega-datasets) as a temporal multiplex: one layer per month, league as ground truth',
  version: '1',
  params: FootballParams,
  async load(_ctx, params) {
    return loadFootball(params)
  },
}
