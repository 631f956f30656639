/** The regression gate's Markdown summary: verdict first, worst changes first. */
import type { GateResult, MetricComparison } from '../stats/regression.ts'
import { formatNumber } from './table.ts'

/** A floor above this is reported as a blind spot of the gate. */
const BLIND_FLOOR = 0.25

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
}

function row(c: MetricComparison): string {
  const ci =
    c.ratioLo !== undefined && c.ratioHi !== undefined
      ? ` [${c.ratioLo.toFixed(3)}, ${c.ratioHi.toFixed(3)}]`
      : ''
  const p = Number.isNaN(c.p) ? '–' : c.p < 1e-4 ? c.p.toExponential(1) : c.p.toFixed(4)
  const verdict = c.verdict === 'acknowledged' ? `acknowledged (${c.ackReason})` : c.verdict
  return `| ${verdict} | ${c.suite}/${c.subject} | ${c.params} | ${c.metric}${c.unit ? ` (${c.unit})` : ''} | ${formatNumber(c.baseline)} | ${formatNumber(c.candidate)} | ${c.ratio.toFixed(3)}${ci} | ${pct(c.worse)} | ${p} | ${pct(c.floor)} (${c.floorSource}${c.floorRuns !== undefined ? `, ${c.floorRuns} runs` : ''}) |`
}

export function gateToMarkdown(
  result: GateResult,
  names: { baseline: string; candidate: string },
): string {
  const lines = [`# effbench compare: ${names.candidate} against ${names.baseline}`, '']
  lines.push(
    result.regressions > 0
      ? `**${result.regressions} regression${result.regressions > 1 ? 's' : ''}** (significant and past the floor).`
      : '**No regression.**',
  )
  if (result.timedGeomean) {
    const g = result.timedGeomean
    const ci =
      g.lo !== undefined && g.hi !== undefined ? ` [${g.lo.toFixed(3)}, ${g.hi.toFixed(3)}]` : ''
    lines.push(
      '',
      `Geometric mean of timed ratios (candidate/baseline, < 1 is faster): ${g.geomean.toFixed(3)}${ci} over ${g.n} metrics.`,
    )
  }
  // What the gate cannot see: a regression smaller than its floor passes by construction.
  const blind = result.comparisons.filter((c) => c.floor > BLIND_FLOOR)
  if (blind.length > 0)
    lines.push(
      '',
      `${blind.length} of ${result.comparisons.length} metrics have a floor above ${pct(BLIND_FLOOR)}: a regression of that size in them would pass unseen (the A/A noise of their history is too large).`,
    )
  lines.push(
    '',
    '| verdict | subject | params | metric | baseline | candidate | ratio [95% CI] | worse by | p | floor |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.comparisons.map(row),
  )
  if (result.skipped.length > 0) {
    lines.push('', 'Not compared:', ...result.skipped.map((s) => `- ${s.what}: ${s.why}`))
  }
  return `${lines.join('\n')}\n`
}
