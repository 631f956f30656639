/**
 * One trial of the approximate-multiplier study, shared by the method (balanced mapping) and the
 * baselines (exact, all-negative, all-positive, random, bias-corrected, ALWANN-like):
 *
 *   prepared int8 net (cached per network and seed)
 *     -> multiplier banks per level: exact / negative / positive LUTs of the family
 *     -> per layer: level (uniform, or the greedy layer/level search on the calibration rows,
 *        stopped at `maxDrop` points of top-1) and the mapping's plan
 *     -> test top-1 through the LUTs, drop vs the plain int8 net, relative energy (config file,
 *        default the gate-count proxy), per-filter output error (layer-local, on test rows)
 */
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import type { Rng } from '../../harness/run/rng.ts'
import {
  type Metrics,
  metric,
  type SubjectInput,
  type TrialContext,
  TrialSkipped,
} from '../../harness/types.ts'
import { type EnergyConfig, loadEnergyConfig, multiplierEnergy, relativeEnergy } from './energy.ts'
import { accumulate, forEachBlock, type IntNet, type LayerPlan, runInt, top1 } from './int-net.ts'
import {
  buildBank,
  EXACT,
  type LayerMapping,
  layerHistogram,
  type Mapping,
  mapLayer,
  type PositionStats,
  positionStats,
  type RowStats,
  rowStats,
} from './mapping.ts'
import { exactLut, FAMILIES, type Family, familyLut, type Lut, loadLut } from './multipliers.ts'
import { NETWORK_DATA, NetFields, type PreparedNet, preparedNet } from './network.ts'

export const ApproxFields = {
  ...NetFields,
  /** Multiplier family (brief §1.2), or `file` with `lutFiles`. @default 'r1' */
  family: z.enum([...FAMILIES, 'file']).default('r1'),
  /** For family `file`: the negative- and positive-mode 8×8 LUT files (see loadLut). */
  lutFiles: z.strictObject({ negative: z.string(), positive: z.string() }).optional(),
  /** Approximation level (r1: m rows, r2: k columns); the search's largest level. @default 2 */
  level: z.number().int().min(0).max(8).default(2),
  /** Greedy per-layer level search on the calibration rows instead of one level everywhere. @default false */
  search: z.boolean().default(false),
  /** The search's budget: top-1 drop on the calibration rows, points. @default 1 */
  maxDrop: z.number().positive().default(1),
  /**
   * Expected errors from per-index activation histograms (`position`: each input of a dense
   * layer, each (dy, dx, ci) of a conv patch) or one histogram per layer (`layer`, the brief's
   * p_ℓ(a)). @default 'position'
   */
  statistics: z.enum(['position', 'layer']).default('position'),
  /** Test rows on which the per-filter output error is measured. @default 200 */
  errorExamples: z.number().int().positive().default(200),
  /** Energy config file (JSON); default: the gate-count proxy. */
  energyConfig: z.string().optional(),
}

export interface ApproxParams {
  model: 'mlp' | 'lenet5' | 'cnn'
  epochs: number
  batchSize: number
  learningRate: number
  calibExamples: number
  family: Family | 'file'
  lutFiles?: { negative: string; positive: string } | undefined
  level: number
  search: boolean
  maxDrop: number
  statistics: 'position' | 'layer'
  errorExamples: number
  energyConfig?: string | undefined
}

/** One multiplier level: its bank and, per layer, the row statistics under the layer's histogram. */
interface LevelBank {
  bank: Int32Array
  stats: RowStats[]
  energy: number
}

function levelBank(
  p: ApproxParams,
  prep: PreparedNet,
  level: number,
  energy: EnergyConfig,
  exact: Lut,
): LevelBank {
  let neg: Lut
  let pos: Lut
  if (p.family === 'file') {
    if (!p.lutFiles) throw new TypeError('Cannot use multiplier family "file": lutFiles is not set')
    neg = level === 0 ? exact : loadLut(p.lutFiles.negative)
    pos = level === 0 ? exact : loadLut(p.lutFiles.positive)
  } else {
    neg = familyLut(p.family, level, 'negative')
    pos = familyLut(p.family, level, 'positive')
  }
  const bank = buildBank(exact, neg, pos)
  return {
    bank,
    stats: prep.histograms.map((h) => rowStats(bank, layerHistogram(h))),
    energy: level === 0 ? 1 : multiplierEnergy(energy, p.family, level, 'negative'),
  }
}

/**
 * What every trial of one prepared net would otherwise recompute: per layer, the position
 * statistics of its calibration histogram, and the exact inputs and accumulators of the test rows
 * on which the per-filter error is measured.
 */
const shared = new WeakMap<
  PreparedNet,
  { positions: Map<number, PositionStats>; exact: Map<number, ExactBlocks> }
>()
function sharedOf(prep: PreparedNet) {
  let s = shared.get(prep)
  if (!s) shared.set(prep, (s = { positions: new Map(), exact: new Map() }))
  return s
}

function positionsOf(prep: PreparedNet, j: number): PositionStats {
  const cache = sharedOf(prep).positions
  let ps = cache.get(j)
  if (!ps) {
    const l = prep.int.weighted[j] as IntNet['weighted'][number]
    cache.set(j, (ps = positionStats(prep.histograms[j] as Float64Array, l.K)))
  }
  return ps
}

/** Per weighted layer, the exact input codes and per-block exact accumulators of `n` test rows. */
interface ExactBlocks {
  inputs: Uint8Array[]
  /** Per layer, per block of forEachBlock: the exact accumulators [out, R]. */
  acc: Int32Array[][]
}

function exactBlocksOf(prep: PreparedNet, n: number): ExactBlocks {
  const cache = sharedOf(prep).exact
  let e = cache.get(n)
  if (!e) {
    const net = prep.int
    const inputs: Uint8Array[] = []
    runInt(net, prep.testCodes, n, { onInput: (j, x) => (inputs[j] = x) })
    const acc = net.weighted.map((l, j) => {
      const blocks: Int32Array[] = []
      forEachBlock(l, inputs[j] as Uint8Array, n, (_img0, _count, patchesT, R) => {
        const a = new Int32Array(l.out * R)
        accumulate(l, patchesT, R, undefined, a)
        blocks.push(a)
      })
      return blocks
    })
    cache.set(n, (e = { inputs, acc }))
  }
  return e
}

/** Plans per layer for given levels, each layer mapped by `mapping` (cached per layer and level). */
class Planner {
  private readonly banks = new Map<number, LevelBank>()
  private readonly layers = new Map<string, LayerMapping>()
  private readonly exact = exactLut()
  constructor(
    private readonly p: ApproxParams,
    private readonly prep: PreparedNet,
    private readonly mapping: Mapping,
    private readonly energyConfig: EnergyConfig,
    private readonly rng: Rng,
    private readonly varianceBudget: number,
  ) {}
  bank(level: number): LevelBank {
    let b = this.banks.get(level)
    if (!b)
      this.banks.set(
        level,
        (b = levelBank(this.p, this.prep, level, this.energyConfig, this.exact)),
      )
    return b
  }
  layer(j: number, level: number): LayerMapping {
    const key = `${j}:${level}`
    let m = this.layers.get(key)
    if (!m) {
      const b = this.bank(level)
      const l = this.prep.int.weighted[j] as IntNet['weighted'][number]
      const mapping = level === 0 ? 'exact' : this.mapping
      const ps = this.p.statistics === 'position' ? positionsOf(this.prep, j) : undefined
      m = mapLayer(
        l,
        mapping,
        b.bank,
        b.stats[j] as RowStats,
        this.rng.fork(key),
        { varianceBudget: this.varianceBudget },
        ps,
      )
      this.layers.set(key, m)
    }
    return m
  }
  plans(levels: readonly number[]): LayerPlan[] {
    return levels.map((lv, j) => this.layer(j, lv).plan)
  }
  /** Relative energy (Σ MACs × E) of the net at `levels`. */
  energy(levels: readonly number[]): number {
    return relativeEnergy(
      this.prep.int.weighted.map((l, j) => {
        const lv = levels[j] as number
        const { modes } = this.layer(j, lv)
        const e = this.bank(lv).energy
        return {
          positions: l.positions,
          energies: Float64Array.from(modes, (m) => (m === EXACT ? 1 : e)),
        }
      }),
    )
  }
  /** Share of MACs (%) whose multiplier is approximate. */
  approxShare(levels: readonly number[]): number {
    let a = 0
    let t = 0
    this.prep.int.weighted.forEach((l, j) => {
      const { modes } = this.layer(j, levels[j] as number)
      let k = 0
      for (const m of modes) if (m !== EXACT && (levels[j] as number) > 0) k++
      a += l.positions * k
      t += l.positions * modes.length
    })
    return (100 * a) / t
  }
}

/**
 * Greedy layer/level search on the calibration rows: from all-exact, repeatedly raise the level
 * of the layer whose step saves the most energy per point of calibration top-1 lost (ties: more
 * energy), among steps that keep the drop ≤ maxDrop; stop when no step does.
 */
function searchLevels(
  pl: Planner,
  prep: PreparedNet,
  maxLevel: number,
  maxDrop: number,
): { levels: number[]; evaluations: number } {
  const net = prep.int
  const L = net.weighted.length
  const levels = new Array<number>(L).fill(0)
  const n = prep.calibLabels.length
  let evaluations = 0
  // Inputs of every layer under the current levels: a step at layer j reruns from j only, and
  // the accepted step's run gives the inputs of the layers after j for the next round.
  const inputs: Uint8Array[] = []
  runInt(net, prep.calibCodes, n, { plans: pl.plans(levels), onInput: (j, x) => (inputs[j] = x) })
  for (;;) {
    const e0 = pl.energy(levels)
    let best: { j: number; score: number; saved: number } | undefined
    const after: Uint8Array[][] = []
    for (let j = 0; j < L; j++) {
      if ((levels[j] as number) >= maxLevel) continue
      const next = levels.slice()
      next[j] = (levels[j] as number) + 1
      const seen: Uint8Array[] = []
      after[j] = seen
      const acc = top1(
        runInt(net, inputs[j] as Uint8Array, n, {
          plans: pl.plans(next),
          start: j,
          onInput: (k, x) => {
            if (k > j) seen[k] = x
          },
        }),
        prep.calibLabels,
        net.classes,
      )
      evaluations++
      const drop = prep.exactCalibAcc - acc
      if (drop > maxDrop) continue
      const saved = e0 - pl.energy(next)
      const score = saved / (Math.max(0, drop) + 0.1)
      if (!best || score > best.score || (score === best.score && saved > best.saved))
        best = { j, score, saved }
    }
    if (!best) return { levels, evaluations }
    levels[best.j] = (levels[best.j] as number) + 1
    for (let k = best.j + 1; k < L; k++) inputs[k] = after[best.j]?.[k] as Uint8Array
  }
}

/**
 * Per filter, layer-local: the error of the approximate accumulator against the exact one on the
 * same (exact) inputs. Means over all filters of the approximated layers, in % of the layer's mean
 * |exact accumulator|: |mean error| measured and predicted (Σ μ of the mapping), and the std.
 */
function filterErrors(pl: Planner, prep: PreparedNet, levels: readonly number[], rows: number) {
  const net = prep.int
  const n = Math.min(rows, prep.testLabels.length)
  const { inputs, acc: exactAcc } = exactBlocksOf(prep, n)
  let filters = 0
  let bias = 0
  let std = 0
  let pred = 0
  net.weighted.forEach((l, j) => {
    if ((levels[j] as number) === 0) return
    const { plan, predictedBias } = pl.layer(j, levels[j] as number)
    const s1 = new Float64Array(l.out)
    const s2 = new Float64Array(l.out)
    let absY = 0
    let count = 0
    const approx = new Int32Array(l.out * Math.max(512, l.positions))
    let block = 0
    forEachBlock(l, inputs[j] as Uint8Array, n, (_img0, _count, patchesT, R) => {
      const exact = exactAcc[j]?.[block++] as Int32Array
      accumulate(l, patchesT, R, plan, approx)
      for (let c = 0; c < l.out; c++)
        for (let r = 0; r < R; r++) {
          const y = exact[c * R + r] as number
          const e = (approx[c * R + r] as number) - y
          s1[c] = (s1[c] as number) + e
          s2[c] = (s2[c] as number) + e * e
          absY += Math.abs(y)
        }
      count += R
    })
    const norm = absY / (count * l.out) || 1
    for (let c = 0; c < l.out; c++) {
      const m = (s1[c] as number) / count
      bias += Math.abs(m) / norm
      std += Math.sqrt(Math.max(0, (s2[c] as number) / count - m * m)) / norm
      pred += Math.abs(predictedBias[c] as number) / norm
      filters++
    }
  })
  const f = (x: number) => (filters ? (100 * x) / filters : 0)
  return { bias: f(bias), std: f(std), pred: f(pred) }
}

/** Runs one trial: `mapping` at the params' level (or searched levels) on the params' network. */
export async function runApproxTrial(
  ctx: TrialContext,
  input: SubjectInput<ApproxParams, ImageDataset>,
  mapping: Mapping,
  varianceBudget = 1,
): Promise<Metrics> {
  const p = input.params
  const want = NETWORK_DATA[p.model]
  if (input.dataset.name !== want)
    throw new TrialSkipped(
      `network "${p.model}" is studied on "${want}" only, not "${input.dataset.name}"`,
    )
  const prep = await preparedNet(
    ctx,
    {
      model: p.model,
      epochs: p.epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      calibExamples: p.calibExamples,
    },
    input.dataset.data,
  )
  const energyConfig = p.energyConfig ? loadEnergyConfig(p.energyConfig) : loadEnergyConfig()
  ctx.annotate('energyModel', energyConfig.label)
  ctx.annotate('multiplier', p.family === 'file' ? `file:${p.lutFiles?.negative}` : p.family)
  ctx.annotate('mapping', mapping)
  const pl = new Planner(p, prep, mapping, energyConfig, ctx.rng.fork('mapping'), varianceBudget)
  const L = prep.int.weighted.length
  const t0 = ctx.now()
  const searched =
    p.search && mapping !== 'exact' ? searchLevels(pl, prep, p.level, p.maxDrop) : undefined
  const searchS = (ctx.now() - t0) / 1000
  const levels = searched?.levels ?? new Array<number>(L).fill(mapping === 'exact' ? 0 : p.level)
  const plans = pl.plans(levels)
  const nCal = prep.calibLabels.length
  const calibAcc = top1(
    runInt(prep.int, prep.calibCodes, nCal, { plans }),
    prep.calibLabels,
    prep.int.classes,
  )
  const n = prep.testLabels.length
  const t1 = ctx.now()
  const acc = top1(
    runInt(prep.int, prep.testCodes, n, { plans }),
    prep.testLabels,
    prep.int.classes,
  )
  const inferS = (ctx.now() - t1) / 1000
  const energy = pl.energy(levels)
  const err = filterErrors(pl, prep, levels, p.errorExamples)
  const macs = prep.int.weighted.reduce((s, l) => s + l.positions * l.K * l.out, 0)
  return {
    acc: metric(acc, '%', 'higher'),
    acc_exact: metric(prep.exactAcc, '%', 'higher'),
    acc_fp32: metric(prep.fp32Acc, '%', 'higher'),
    acc_drop: metric(prep.exactAcc - acc, 'pt', 'lower'),
    calib_drop: metric(prep.exactCalibAcc - calibAcc, 'pt', 'lower'),
    rel_energy: metric(100 * energy, '%', 'lower'),
    energy_saving: metric(100 * (1 - energy), '%', 'higher'),
    approx_macs: metric(pl.approxShare(levels), '%', 'higher'),
    mean_level: metric(levels.reduce((a, b) => a + b, 0) / L, 'level', 'higher'),
    filter_bias: metric(err.bias, '%', 'lower'),
    filter_bias_pred: metric(err.pred, '%', 'lower'),
    filter_std: metric(err.std, '%', 'lower'),
    infer_s: metric(inferS, 's', 'lower'),
    lut_mmacs_per_s: metric((macs * n) / inferS / 1e6, 'MMAC/s', 'higher'),
    test_rows: metric(n, 'rows', 'higher'),
    ...(searched
      ? {
          search_s: metric(searchS, 's', 'lower'),
          search_evals: metric(searched.evaluations, 'evals', 'lower'),
        }
      : {}),
  }
}
