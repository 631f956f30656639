/**
 * How well a multitask net meets the conditions under which pruning minimises the cost of every
 * task combination (PAM, brief §1.3), per hidden layer, measured with the KDE mutual information
 * PAM merges by:
 *
 *   per alive neuron j and task t: I(j; Y_t) (one neuron alone); j is informative for t when it
 *   exceeds the layer's threshold (the official α: conv 0.01, dense 0.05 nats)
 *   C1  task-specific neurons carry nothing about other tasks:
 *       c1Mi   = max over t, s≠t of the joint I(T_t; Y_s) (nats; 0 without task-specific neurons)
 *       c1Leak = share of task-specific neurons informative for another task
 *   C2  c2Multi = share of shared neurons informative for ≥ 2 tasks (their connectivity, shared
 *       reads shared only, holds by construction: net.ts masks it)
 *   C3  c3None  = share of alive neurons informative for no task
 *
 * A net that meets C1–C3 has c1Mi ≈ 0, c1Leak = 0, c2Multi = 1, c3None = 0.
 */
import {
  neuronFeatures,
  neuronMutualInformation,
  scaleToUnit,
  scaleToUnitStd,
  setMutualInformation,
} from '../../models/multitask/mutual-information.ts'
import { DELETED, type MultiNet, positions, SHARED } from '../../models/multitask/net.ts'
import { hiddenActivations, type TaskSplit } from '../../models/multitask/train.ts'

/** The official irrelevance thresholds (nats), used as the "informative" line of one neuron. */
export const INFORMATIVE_ALPHA = { conv: 0.01, dense: 0.05 } as const

export const CONDITIONS = ['c1Mi', 'c1Leak', 'c2Multi', 'c3None'] as const
export type Condition = (typeof CONDITIONS)[number]
export type LayerConditions = Record<Condition, number> & { alive: number }

/**
 * C1–C3 of one layer from its alive neurons' partitions, single-neuron MI `mi[t][k]` and the
 * joint MI of each task-specific partition with each other task's labels.
 */
export function layerConditions(
  part: readonly number[],
  mi: readonly (readonly number[])[],
  alpha: number,
  jointLeak: (t: number, s: number, members: number[]) => number,
): LayerConditions {
  const tasks = mi.length
  const informative = (k: number) =>
    Array.from({ length: tasks }, (_, t) => t).filter((t) => mi[t]![k]! > alpha)
  let specific = 0
  let leaking = 0
  let shared = 0
  let multi = 0
  let none = 0
  part.forEach((p, k) => {
    const inf = informative(k)
    if (inf.length === 0) none++
    if (p === SHARED) {
      shared++
      if (inf.length >= 2) multi++
    } else if (p >= 0) {
      specific++
      if (inf.some((t) => t !== p)) leaking++
    }
  })
  let c1Mi = 0
  for (let t = 0; t < tasks; t++) {
    const members = part.flatMap((p, k) => (p === t ? [k] : []))
    if (members.length === 0) continue
    for (let s = 0; s < tasks; s++) if (s !== t) c1Mi = Math.max(c1Mi, jointLeak(t, s, members))
  }
  const share = (a: number, b: number) => (b > 0 ? a / b : 0)
  return {
    c1Mi,
    c1Leak: share(leaking, specific),
    c2Multi: share(multi, shared),
    c3None: share(none, part.length),
    alive: part.length,
  }
}

/**
 * C1–C3 of every hidden layer of `net` on the rows `rows` of `split` (KDE noise variance
 * `sigma2`; a dense layer's features scaled to [0, 1] by its largest output, a conv layer's to
 * unit mean standard deviation, as PAM does by default: by the largest output, 92 % of a trained
 * LeNet-5's conv1 channels read as informative for no task).
 */
export function diagnoseNet(
  net: MultiNet,
  split: TaskSplit,
  rows: readonly number[],
  classes: readonly number[],
  sigma2 = 0.1,
): LayerConditions[] {
  const n = rows.length
  const acts = hiddenActivations(net, split, [...rows])
  const tasks = classes.map((c, t) => ({
    classes: c,
    labels: Int32Array.from(rows, (r) => split.labels[t]![r]!),
  }))
  return net.hidden.map((layer, l) => {
    const all = neuronFeatures(acts[l]!, n, layer.outSize, positions(layer))
    const alive = [...layer.part.keys()].filter((j) => layer.part[j] !== DELETED)
    const features = alive.map((j) => all[j]!)
    if (layer.conv) scaleToUnitStd(features)
    else scaleToUnit(features)
    const mi = tasks.map((task) => neuronMutualInformation(features, n, task, sigma2))
    return layerConditions(
      alive.map((j) => layer.part[j]!),
      mi,
      layer.conv ? INFORMATIVE_ALPHA.conv : INFORMATIVE_ALPHA.dense,
      (_t, s, members) => setMutualInformation(features, members, n, tasks[s]!, sigma2),
    )
  })
}

/** Up to `count` rows of `split` labelled by some task, evenly spread (deterministic). */
export function diagnosisRows(split: TaskSplit, count: number): number[] {
  const labelled: number[] = []
  for (let i = 0; i < split.n; i++) if (split.labels.some((l) => l[i]! >= 0)) labelled.push(i)
  const k = Math.min(count, labelled.length)
  return Array.from({ length: k }, (_, i) => labelled[Math.floor((i * labelled.length) / k)]!)
}
