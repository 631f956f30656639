/**
 * Parameter count and active FLOPs per token of the MoE decoder (2·MAC convention; biases,
 * norms, softmax and the embedding lookup not counted). Attention scores and context count the
 * full T×T square per sequence, as models/transformer-layers.ts does, so per token 2·T·d each.
 * The router of a Switch layer is counted (2·d·K); a hash lookup costs no FLOP.
 */
import type { FfnSpec, LmConfig } from './moe-lm.ts'

function ffnParams(spec: FfnSpec, d: number): number {
  const one = (width: number) => d * width + width + width * d + d
  if (spec.kind === 'dense') return one(spec.width)
  return spec.experts * one(spec.width) + (spec.kind === 'switch' ? d * spec.experts : 0)
}

function ffnFlops(spec: FfnSpec, d: number): number {
  const active = 2 * 2 * d * spec.width
  return spec.kind === 'switch' ? active + 2 * d * spec.experts : active
}

/** Total parameters (every expert counted). */
export function countParams(cfg: LmConfig): number {
  const d = cfg.dModel
  let n = cfg.vocabSize * d + cfg.seqLength * d
  for (const spec of cfg.blocks) n += 2 * 2 * d + 4 * (d * d + d) + ffnParams(spec, d)
  return n + 2 * d + d * cfg.vocabSize + cfg.vocabSize
}

/** Parameters a token actually uses (one expert per routed layer, the router included). */
export function activeParams(cfg: LmConfig): number {
  const dense: LmConfig = {
    ...cfg,
    blocks: cfg.blocks.map((s) => ({ kind: 'dense' as const, width: s.width })),
  }
  const routers = cfg.blocks.reduce(
    (a, s) => a + (s.kind === 'switch' ? cfg.dModel * s.experts : 0),
    0,
  )
  return countParams(dense) + routers
}

/** Active FLOPs per token. */
export function flopsPerToken(cfg: LmConfig): number {
  const d = cfg.dModel
  let f = 0
  for (const spec of cfg.blocks) f += 4 * 2 * d * d + 2 * 2 * cfg.seqLength * d + ffnFlops(spec, d)
  return f + 2 * d * cfg.vocabSize
}
