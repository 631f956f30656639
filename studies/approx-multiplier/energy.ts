/**
 * Relative energy per multiplication of each (family, level, mode), from a config file, and the
 * network total Σ MACs × E. The default config is the brief's **gate-count proxy**:
 * E = 1 − β·(gated partial-product share), β = 0.8, the same for positive and negative modes, 1 for
 * the exact mode. It is a proxy, not the paper's (unreadable) hardware table: every report names it.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { type Family, gatedFraction, type Mode } from './multipliers.ts'

export const EnergyConfig = z.strictObject({
  /** Shown wherever the energy appears, e.g. "gate-count proxy". */
  label: z.string().min(1),
  note: z.string().optional(),
  /** Share of the gated partial-product energy actually saved. */
  beta: z.number().min(0).max(1),
  /** Explicit relative energies by "<family>-<level>" (e.g. "r1-2": 0.78, "file-0": 0.5). */
  overrides: z.record(z.string(), z.number().positive()).default({}),
})
export type EnergyConfig = z.output<typeof EnergyConfig>

export const DEFAULT_ENERGY_FILE = new URL('./gate-count-proxy.json', import.meta.url)

/** Reads an energy config (JSON); the default is the gate-count proxy next to this file. */
export function loadEnergyConfig(path: string | URL = DEFAULT_ENERGY_FILE): EnergyConfig {
  const parsed = EnergyConfig.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success)
    throw new TypeError(`Cannot load energy config "${String(path)}": ${parsed.error.message}`)
  return parsed.data
}

/** Relative energy of one multiplication in `mode` at (family, level); exact = 1. */
export function multiplierEnergy(
  config: EnergyConfig,
  family: Family | 'file',
  level: number,
  mode: Mode,
): number {
  if (mode === 'exact') return 1
  const key = `${family}-${level}`
  const o = config.overrides[key]
  if (o !== undefined) return o
  if (family === 'file')
    throw new RangeError(`Cannot price multiplier "${key}": the energy config has no entry for it`)
  return 1 - config.beta * gatedFraction(family, level)
}

/** Σ over layers of MACs × energy, relative to all-exact: Σ_ℓ n_ℓ Σ_w E(w) / Σ_ℓ n_ℓ·|W_ℓ|. */
export function relativeEnergy(
  layers: readonly { positions: number; energies: ArrayLike<number> }[],
): number {
  let num = 0
  let den = 0
  for (const l of layers) {
    let s = 0
    for (let i = 0; i < l.energies.length; i++) s += l.energies[i] as number
    num += l.positions * s
    den += l.positions * l.energies.length
  }
  return den === 0 ? 1 : num / den
}
