/**
 * The PAM study's cross-arm summary, a pure function of the `pam` suite's records: per task set,
 * model (LeNet-5 or MLP), pruner and PAM α, the FLOP ratios no-merge/PAM and MTZ/PAM per combination (means over seeds),
 * their max and geomean over combinations, and the pass criteria of the brief; and the α sweep's
 * cost/accuracy trade-off figure (PAM at every α next to no merging and MTZ).
 */
import { canonicalJson } from '../../harness/hash.ts'
import type { FigureRow } from '../../harness/report/figure.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { TrialRecord } from '../../harness/store/record.ts'
import { ArmParams } from '../../studies/multitask/arm.ts'
import { convAlpha } from './merge.ts'

/** Per combination: each seed's values, in record order ("rootSeed:repetition"). */
type Cell = { seeds: string[]; flops: number[]; drop: number[]; acc: number[]; shared: number[] }

/** The values of `xs` (parallel to `cell.seeds`) at the seeds in `keep`. */
const at = (cell: Cell, xs: readonly number[], keep: ReadonlySet<string>) =>
  xs.filter((_, k) => keep.has(cell.seeds[k]!))

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const geomean = (xs: readonly number[]) => Math.exp(mean(xs.map(Math.log)))
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–')

export interface RatioRow {
  taskSet: string
  model: string
  pruner: string
  /** The other shared parameters that differ between rows ("mergeFineTune=400"), else ''. */
  setting: string
  /** PAM's dense-layer and conv-layer thresholds. */
  alpha: number
  alphaConv: number
  /** PAM's prunable partitions ('all', or 'shared' as in the official code). */
  parts: string
  combos: number
  /** Seeds (root seed × repetition) of PAM's records; ratios use those the baseline also has. */
  seeds: number
  maxNoMerge: number
  geoNoMerge: number
  maxMtz: number
  geoMtz: number
  /** Worst single task: PAM/no-merge and PAM/MTZ; all tasks: PAM/no-merge. */
  singleVsNoMerge: number
  singleVsMtz: number
  allVsNoMerge: number
  sharedFrac: number
  /** Largest test-accuracy drop of any task, per arm (points). */
  drop: { noMerge: number; mtz: number; pam: number }
}

interface CellKey {
  d: Record<string, unknown>
  s: string
  /** The arm parameters every arm shares (defaults filled in), less those that change PAM alone. */
  setting: Record<string, unknown>
  /** PAM's own: α, α_conv and the prunable partitions (-1 and '' for the baselines). */
  alpha: number
  alphaConv: number
  parts: string
}

/**
 * Shared arm parameters that do not tell cells apart: the measured combination, the latency
 * sampling, and `prunePartitions` (it changes PAM alone, so it is one of PAM's own).
 */
const NOT_SETTING = new Set(['combo', 'latencyMs', 'latencyBatch', 'prunePartitions'])
const SETTING_KEYS = Object.keys(ArmParams.shape).filter((k) => !NOT_SETTING.has(k))

/** The shared arm parameters of a record, with defaults filled in (older records lack newer ones). */
function settingOf(params: Record<string, unknown>): Record<string, unknown> {
  const picked = Object.fromEntries(
    SETTING_KEYS.flatMap((k) => (k in params ? [[k, params[k]]] : [])),
  )
  const parsed = ArmParams.safeParse(picked)
  const full: Record<string, unknown> = parsed.success ? parsed.data : picked
  return Object.fromEntries(
    SETTING_KEYS.flatMap((k) => (full[k] === undefined ? [] : [[k, full[k]]])),
  )
}

/**
 * Per (dataset point, arm, shared setting, PAM's own parameters): per combination, the values over
 * seeds. A record of another setting (say `mergeFineTune=400`) forms cells of its own, so a
 * summary never averages two configurations.
 */
function cellsOf(records: readonly TrialRecord[], suite: string): Map<string, Map<string, Cell>> {
  const cells = new Map<string, Map<string, Cell>>()
  for (const r of records) {
    if (r.suite !== suite || r.status !== 'ok') continue
    const params = r.subject.params
    const combo = String(params['combo'])
    const pam = r.subject.id === 'pam'
    const alpha = pam ? Number(params['alpha'] ?? 0.05) : -1
    const ac = params['alphaConv']
    const alphaConv = pam ? convAlpha({ alpha, alphaConv: ac === undefined ? ac : Number(ac) }) : -1
    // Only PAM's merged net has task-specific partitions for the setting to spare.
    // PAM's irrelevance rule and MI scaling (records from before they existed: joint/max, shown
    // bare) tell cells apart too.
    const rule = 'irrelevance' in params ? ` ${params['irrelevance']}/${params['miScale']}` : ''
    const parts = pam ? `${params['prunePartitions'] ?? 'all'}${rule}` : ''
    const cell: CellKey = {
      d: r.dataset.params,
      s: r.subject.id,
      setting: settingOf(params),
      alpha,
      alphaConv,
      parts,
    }
    const key = canonicalJson(cell)
    let m = cells.get(key)
    if (!m) cells.set(key, (m = new Map()))
    let c = m.get(combo)
    if (!c) m.set(combo, (c = { seeds: [], flops: [], drop: [], acc: [], shared: [] }))
    c.seeds.push(`${r.rootSeed}:${r.repetition}`)
    c.flops.push(r.metrics['flops']?.value ?? Number.NaN)
    c.drop.push(r.metrics['acc_drop']?.value ?? Number.NaN)
    c.acc.push(r.metrics['acc']?.value ?? Number.NaN)
    c.shared.push(r.metrics['shared_frac']?.value ?? Number.NaN)
  }
  return cells
}

/**
 * The shared parameters whose values differ between the given cells, as a labeller of a setting
 * ("mergeFineTune=400"; '' when every cell has the same setting), so that rows and panels of
 * different settings can be told apart. Model and pruner have columns of their own.
 */
function varyingLabel(keys: readonly CellKey[]): (setting: Record<string, unknown>) => string {
  const show = (setting: Record<string, unknown>, k: string) => canonicalJson(setting[k] ?? null)
  const varying = SETTING_KEYS.filter(
    (k) => k !== 'model' && k !== 'pruner' && new Set(keys.map((c) => show(c.setting, k))).size > 1,
  )
  return (setting) => varying.map((k) => `${k}=${show(setting, k)}`).join(' ')
}

/** The combination with the most tasks. */
const allOf = (combos: readonly string[]) =>
  combos.reduce((a, c) => (c.split('+').length > a.split('+').length ? c : a), combos[0] ?? '')

/** Summary rows from records (ok records of suite `suite` only). */
export function pamRatios(records: readonly TrialRecord[], suite = 'pam'): RatioRow[] {
  const cells = cellsOf(records, suite)
  const pamKeys = [...cells.keys()]
    .map((key) => JSON.parse(key) as CellKey)
    .filter((c) => c.s === 'pam')
  const label = varyingLabel(pamKeys)
  const rows: RatioRow[] = []
  for (const key of pamKeys) {
    const { d, setting, alpha, alphaConv, parts } = key
    const pamCells = cells.get(canonicalJson(key))!
    const other = (id: string) =>
      cells.get(canonicalJson({ d, s: id, setting, alpha: -1, alphaConv: -1, parts: '' }))
    const nm = other('no-merge')
    const mz = other('mtz')
    const combos = [...pamCells.keys()]
    // Arms are compared on the seeds both have (same data, same pre-trained nets), so a PAM run of
    // fewer seeds is never set against baselines averaged over more.
    const ratio = (base: Map<string, Cell> | undefined, c: string) => {
      const b = base?.get(c)
      const p = pamCells.get(c)!
      if (!b) return Number.NaN
      const both = new Set(p.seeds.filter((x) => b.seeds.includes(x)))
      return both.size > 0 ? mean(at(b, b.flops, both)) / mean(at(p, p.flops, both)) : Number.NaN
    }
    const seeds = new Set([...pamCells.values()].flatMap((c) => c.seeds))
    const rNm = combos.map((c) => ratio(nm, c)).filter(Number.isFinite)
    const rMz = combos.map((c) => ratio(mz, c)).filter(Number.isFinite)
    const singles = combos.filter((c) => !c.includes('+'))
    const all = allOf(combos)
    const maxDrop = (m: Map<string, Cell> | undefined) =>
      m ? Math.max(...[...m.values()].flatMap((c) => at(c, c.drop, seeds))) : Number.NaN
    rows.push({
      taskSet: String(d['taskSet']),
      model: String(setting['model']),
      pruner: String(setting['pruner']),
      setting: label(setting),
      alpha,
      alphaConv,
      parts,
      combos: combos.length,
      seeds: seeds.size,
      maxNoMerge: Math.max(...rNm),
      geoNoMerge: geomean(rNm),
      maxMtz: Math.max(...rMz),
      geoMtz: geomean(rMz),
      singleVsNoMerge: Math.max(...singles.map((c) => 1 / ratio(nm, c))),
      singleVsMtz: Math.max(...singles.map((c) => 1 / ratio(mz, c))),
      allVsNoMerge: 1 / ratio(nm, all),
      sharedFrac: mean(pamCells.get(all)?.shared ?? [Number.NaN]),
      drop: { noMerge: maxDrop(nm), mtz: maxDrop(mz), pam: maxDrop(pamCells) },
    })
  }
  return rows.sort(
    (a, b) =>
      a.taskSet.localeCompare(b.taskSet) ||
      a.model.localeCompare(b.model) ||
      a.pruner.localeCompare(b.pruner) ||
      a.alpha - b.alpha ||
      a.alphaConv - b.alphaConv ||
      a.parts.localeCompare(b.parts) ||
      a.setting.localeCompare(b.setting),
  )
}

/**
 * Rows of the cost/accuracy trade-off figures: per task set, model, pruner and arm (PAM once per α), the
 * FLOPs of all tasks together and of the costliest single task, and the largest test-accuracy
 * drop of any task (means over seeds).
 */
export function tradeoffRows(records: readonly TrialRecord[], suite = 'pam'): FigureRow[] {
  const rows: FigureRow[] = []
  const cells = [...cellsOf(records, suite)].map(
    ([key, m]) => [JSON.parse(key) as CellKey, m] as const,
  )
  const label = varyingLabel(cells.map(([c]) => c))
  for (const [{ d, s, setting, alpha, alphaConv, parts }, m] of cells) {
    const all = m.get(allOf([...m.keys()]))
    const singles = [...m].filter(([c]) => !c.includes('+')).map(([, c]) => mean(c.flops))
    if (!all) continue
    const rank = s === 'no-merge' ? -2 : s === 'mtz' ? -1 : alpha
    rows.push({
      panel: [String(d['taskSet']), setting['model'], setting['pruner'], label(setting)]
        .filter((x) => x !== '')
        .join(' · '),
      arm: s === 'pam' ? `PAM α=${alpha}/${alphaConv}${parts === 'all' ? '' : ` ${parts}`}` : s,
      rank,
      flops: mean(all.flops),
      single_flops: Math.max(...singles),
      acc: mean(all.acc),
      acc_drop: mean(all.drop),
    })
  }
  return rows.sort((a, b) => Number(a['rank']) - Number(b['rank']))
}

/** The summary as Markdown, with the brief's criteria next to each number. */
export function pamRatiosMarkdown(rows: readonly RatioRow[]): string {
  const head =
    '| taskSet | model | pruner | α (fc / conv) | PAM prunes (MI rule/scale) | combos | seeds | max no-merge/PAM | geomean no-merge/PAM | max MTZ/PAM | geomean MTZ/PAM | worst single PAM/no-merge (≤1.15) | worst single PAM/MTZ (≤0.8) | all PAM/no-merge (≤0.9) | shared frac | max drop no-merge / MTZ / PAM (pt, ≤1) |'
  const lines = [head, `|${' --- |'.repeat(5)}${' ---: |'.repeat(11)}`]
  for (const r of rows)
    lines.push(
      `| ${r.taskSet} | ${r.model} | ${r.pruner}${r.setting ? ` (${r.setting})` : ''} | ${r.alpha} / ${r.alphaConv} | ${r.parts} | ${r.combos} | ${r.seeds} | ${f2(r.maxNoMerge)} | ${f2(r.geoNoMerge)} | ${f2(r.maxMtz)} | ${f2(r.geoMtz)} | ${f2(r.singleVsNoMerge)} | ${f2(r.singleVsMtz)} | ${f2(r.allVsNoMerge)} | ${f2(r.sharedFrac)} | ${f2(r.drop.noMerge)} / ${f2(r.drop.mtz)} / ${f2(r.drop.pam)} |`,
    )
  return `${lines.join('\n')}\n\nPaper (LFW, 5 tasks): max no-merge/PAM 4.87, max MTZ/PAM 2.01.\n`
}

/** The cross-arm summary appended to the `pam` suite's report. */
export const pamSummary: SuiteSummary = {
  suite: 'pam',
  render: (records) => pamRatiosMarkdown(pamRatios(records)),
  figures(records) {
    const rows = tradeoffRows(records)
    const figure = (name: string, x: string, what: string) => ({
      figure: {
        name,
        title: `${what}: FLOPs vs worst accuracy drop (PAM per α)`,
        x,
        y: 'acc_drop',
        color: 'arm',
        facet: 'panel',
        mark: 'point' as const,
        xTitle: `FLOPs, ${what}`,
        yTitle: 'worst task drop (pt)',
      },
      rows,
    })
    return [
      figure('alpha-tradeoff', 'flops', 'all tasks together'),
      figure('alpha-tradeoff-single', 'single_flops', 'costliest single task'),
    ]
  },
}
