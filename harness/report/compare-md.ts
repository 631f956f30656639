/** The regression gate's Markdown summary: verdict first, worst changes first. */
import type { GateResult, MetricComparison } from '../stats/regression.ts'
import { formatNumber } from './table.ts'

/** A floor above this is reported as a blind spot of the gate. */
const BLIND_FLOOR = 0.25

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
}

const name = (c: MetricComparison) => `${c.suite}/${c.subject}`

/** `suite/subject {params} metric`, for the lists of what the gate cannot judge. */
const what = (c: MetricComparison) =>
  `\`${name(c)}\`${c.params ? ` {${c.params}}` : ''} ${c.metric}`

function row(c: MetricComparison): string {
  const ci =
    c.ratioLo !== undefined && c.ratioHi !== undefined
      ? ` [${c.ratioLo.toFixed(3)}, ${c.ratioHi.toFixed(3)}]`
      : ''
  const p = Number.isNaN(c.p) ? '–' : c.p < 1e-4 ? c.p.toExponential(1) : c.p.toFixed(4)
  const verdict = c.verdict === 'acknowledged' ? `acknowledged (${c.ackReason})` : c.verdict
  const from =
    c.floorSource === 'history' && c.floorRuns !== undefined
      ? `, ${c.floorRuns} runs`
      : c.floorSource === 'within-run' && c.floorBlocks !== undefined
        ? `, ${c.floorBlocks} blocks`
        : ''
  const floor = c.verdict === 'unjudged' ? 'unknown' : `${pct(c.floor)} (${c.floorSource}${from})`
  return `| ${verdict} | ${name(c)} | ${c.params} | ${c.metric}${c.unit ? ` (${c.unit})` : ''} | ${formatNumber(c.baseline)} | ${formatNumber(c.candidate)} | ${c.ratio.toFixed(3)}${ci} | ${pct(c.worse)} | ${p} | ${floor} |`
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
  // What the gate cannot see: a regression smaller than its floor passes by construction, and a
  // timed metric with no noise estimate is not judged at all.
  const unjudged = result.comparisons.filter((c) => c.verdict === 'unjudged')
  const blind = result.comparisons.filter((c) => c.verdict !== 'unjudged' && c.floor > BLIND_FLOOR)
  if (unjudged.length > 0 || blind.length > 0) {
    lines.push(
      '',
      `**Cannot judge** ${unjudged.length + blind.length} of ${result.comparisons.length} metrics:`,
    )
    if (blind.length > 0)
      lines.push(
        `- floor above ${pct(BLIND_FLOOR)} (their run-to-run noise is that large: a smaller regression passes unseen; give more --history runs of this machine, or measure longer): ${blind.map(what).join(', ')}`,
      )
    if (unjudged.length > 0)
      lines.push(
        `- no estimate of their run-to-run noise (no --history runs of this machine, or too few measurement blocks for --within-run): ${unjudged.map(what).join(', ')}`,
      )
  }
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
