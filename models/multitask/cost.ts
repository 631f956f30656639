/**
 * The multitask cost model of Pruning-Aware Merging: FLOPs of executing a combination S of tasks
 * on a merged, pruned network whose layers are split into a shared partition (CEN) and one
 * task-specific partition per task.
 *
 * Connectivity: shared neurons of layer l read only shared neurons of layer l-1; task-t neurons
 * read shared(l-1) ∪ T_t(l-1); the head of task t reads shared ∪ T_t of the last hidden layer; the
 * first layer reads the input (shared by every partition). Cost of S sums, over layers and active
 * partitions p ∈ {CEN} ∪ S, (2·k²·n_in(p) − 1)·H·W·n_out(p) for a conv (same padding, H and W
 * halve at each pool) and (2·n_in(p)·h·w − 1)·n_out(p) for a dense layer (h·w > 1 right after a
 * flatten), so shared FLOPs are counted once. Unmerged nets are the special case "no shared
 * neurons": a combination then costs the sum of its nets.
 */

/** A hidden layer of the architecture. */
export type CostLayerSpec = { kind: 'conv'; kernel: number; pool: boolean } | { kind: 'dense' }

export interface MultitaskArch {
  /** Input image shape; a dense first layer reads all h·w·c values. */
  input: { height: number; width: number; channels: number }
  layers: readonly CostLayerSpec[]
  /** Output classes of each task's head. */
  headClasses: readonly number[]
}

/** Alive neurons (channels) of one hidden layer, per partition. */
export interface LayerPartition {
  shared: number
  /** Task-specific neurons, one entry per task. */
  tasks: readonly number[]
}

/** FLOPs of one partition block (PAM convention: 2·fanIn − 1 per output; 0 without inputs). */
function blockFlops(fanIn: number, outputs: number): number {
  return fanIn > 0 && outputs > 0 ? (2 * fanIn - 1) * outputs : 0
}

/** FLOPs per example of running the tasks in `combo` (task indices) with the connectivity rule. */
export function combinationFlops(
  arch: MultitaskArch,
  partitions: readonly LayerPartition[],
  combo: readonly number[],
): number {
  if (partitions.length !== arch.layers.length)
    throw new RangeError(
      `Cannot count FLOPs: ${partitions.length} layer partitions for ${arch.layers.length} layers`,
    )
  let h = arch.input.height
  let w = arch.input.width
  let prev: LayerPartition | undefined
  let prevConv = true
  let total = 0
  arch.layers.forEach((layer, l) => {
    const part = partitions[l]!
    const active: [number, number][] = [
      [-1, part.shared],
      ...combo.map((t): [number, number] => [t, part.tasks[t] ?? 0]),
    ]
    for (const [t, nOut] of active) {
      const nIn = prev ? prev.shared + (t >= 0 ? (prev.tasks[t] ?? 0) : 0) : arch.input.channels
      if (layer.kind === 'conv') {
        total += blockFlops(layer.kernel * layer.kernel * nIn, nOut) * h * w
      } else {
        const spatial = prev === undefined ? h * w : prevConv ? h * w : 1
        total += blockFlops(nIn * spatial, nOut)
      }
    }
    if (layer.kind === 'conv' && layer.pool) {
      h = Math.floor(h / 2)
      w = Math.floor(w / 2)
    }
    prevConv = layer.kind === 'conv'
    prev = part
  })
  const last = prev
  const spatial = last === undefined || prevConv ? h * w : 1
  for (const t of combo) {
    const nIn = last ? last.shared + (last.tasks[t] ?? 0) : arch.input.channels
    total += blockFlops(nIn * spatial, arch.headClasses[t] ?? 0)
  }
  return total
}

/** Every non-empty subset of n tasks (2^n − 1), ordered by bit mask: [0], [1], [0, 1], [2], ... */
export function allCombinations(n: number): number[][] {
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new RangeError(`Cannot enumerate task combinations: n must be in 1..16, got ${n}`)
  const out: number[][] = []
  for (let mask = 1; mask < 1 << n; mask++) {
    const combo: number[] = []
    for (let t = 0; t < n; t++) if (mask & (1 << t)) combo.push(t)
    out.push(combo)
  }
  return out
}

const LETTERS = 'ABCDEFGHIJKLMNOP'

/** "A+C" for tasks [0, 2]. */
export function comboLabel(combo: readonly number[]): string {
  return combo.map((t) => LETTERS[t] ?? `T${t}`).join('+')
}

/** Task indices of a label such as "A+C"; throws on an unknown letter or a repeat. */
export function parseCombo(label: string): number[] {
  const tasks = label.split('+').map((s) => LETTERS.indexOf(s.trim()))
  if (tasks.some((t) => t < 0) || new Set(tasks).size !== tasks.length)
    throw new RangeError(`Cannot parse task combination "${label}": expected letters joined by "+"`)
  return tasks.sort((a, b) => a - b)
}

/** Every combination label of n tasks, in mask order ("A", "B", "A+B", ...). */
export function comboLabels(n: number): string[] {
  return allCombinations(n).map(comboLabel)
}
