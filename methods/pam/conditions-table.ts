/**
 * The C1–C3 diagnosis section of the `pam` report, a pure function of the records: per task set,
 * model, pruner, arm (PAM per α and MI rows) and hidden layer, the conditions of brief §1.3 on the
 * merged net (before fine-tuning), when pruning starts, and after pruning (means over seeds; one
 * record per seed, since every combination of a seed measures the same net). See
 * studies/multitask/diagnosis.ts for the measures.
 */
import { canonicalJson } from '../../harness/hash.ts'
import type { SuiteSummary } from '../../harness/report/write.ts'
import type { TrialRecord } from '../../harness/store/record.ts'
import { conditionMetric, DIAGNOSIS_STAGES } from '../../studies/multitask/arm.ts'
import { CONDITIONS } from '../../studies/multitask/diagnosis.ts'

export interface ConditionRow {
  group: string
  arm: string
  layer: number
  stage: string
  seeds: number
  /** Mean over seeds of each condition. */
  values: number[]
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const LAYERS = 8

/** Rows of the diagnosis table (ok records of suite `suite` that carry the metrics). */
export function conditionRows(records: readonly TrialRecord[], suite = 'pam'): ConditionRow[] {
  const groups = new Map<string, { seen: Set<string>; rows: TrialRecord[] }>()
  for (const r of records) {
    if (r.suite !== suite || r.status !== 'ok') continue
    if (!(conditionMetric('c1Mi', 0, 'end') in r.metrics)) continue
    const p = r.subject.params
    const pam = r.subject.id === 'pam'
    const own = pam
      ? ` α=${p['alpha'] ?? 0.05} ${p['irrelevance'] ?? 'joint'}/${p['miScale'] ?? 'max'}`
      : ''
    const key = canonicalJson({
      d: r.dataset.params['taskSet'],
      m: p['model'] ?? 'mlp',
      pr: p['pruner'] ?? 'taylor',
      arm: `${r.subject.id}${own}`,
    })
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { seen: new Set(), rows: [] }))
    const seed = `${r.rootSeed}:${r.repetition}`
    if (g.seen.has(seed)) continue
    g.seen.add(seed)
    g.rows.push(r)
  }
  const out: ConditionRow[] = []
  for (const [key, g] of groups) {
    const k = JSON.parse(key) as { d: string; m: string; pr: string; arm: string }
    for (let layer = 0; layer < LAYERS; layer++)
      for (const stage of DIAGNOSIS_STAGES) {
        const vals = CONDITIONS.map((c) =>
          g.rows.flatMap((r) => {
            const m = r.metrics[conditionMetric(c, layer, stage)]
            return m ? [m.value] : []
          }),
        )
        if (vals[0]!.length === 0) continue
        out.push({
          group: `${k.d} · ${k.m} · ${k.pr}`,
          arm: k.arm,
          layer,
          stage,
          seeds: vals[0]!.length,
          values: vals.map(mean),
        })
      }
  }
  return out
}

/** The table as Markdown. */
export function conditionsMarkdown(rows: readonly ConditionRow[]): string {
  if (rows.length === 0) return ''
  const lines = [
    '#### C1–C3 per layer (brief §1.3): stage merged = before fine-tuning, start = pruning starts, end = pruned',
    '',
    '| taskSet · model · pruner | arm | layer | stage | seeds | C1: max I(T_t; Y_s≠t) (nats, →0) | C1: task-specific neurons informative for another task (→0) | C2: shared neurons informative for ≥2 tasks (→1) | C3: alive neurons informative for none (→0) |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of rows)
    lines.push(
      `| ${r.group} | ${r.arm} | ${r.layer} | ${r.stage} | ${r.seeds} | ${r.values.map((v) => v.toFixed(3)).join(' | ')} |`,
    )
  lines.push(
    '',
    'Informative: one neuron alone has KDE MI (σ² 0.1, validation rows) above the official α (conv 0.01, dense 0.05 nats).',
  )
  return `${lines.join('\n')}\n`
}

/** The diagnosis section appended to the `pam` suite's report. */
export const pamConditionsSummary: SuiteSummary = {
  suite: 'pam',
  render: (records) => conditionsMarkdown(conditionRows(records)),
}
