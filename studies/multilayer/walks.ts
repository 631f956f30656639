/**
 * Uniform random walks on the supra graph of a multiplex.
 *
 *   state:  (i, ℓ), stored as ℓ·N + i (also the skip-gram token)
 *   step:   with probability r (the layer-jump probability) — or always when i has no neighbour
 *           in ℓ — move to (i, ℓ') with ℓ' uniform among the other layers; otherwise move to a
 *           neighbour of i in ℓ, uniformly (alias-drawn by weight on a weighted graph)
 *   corpus: γ walks of length t from every state, start order shuffled per pass, written into
 *           one Int32Array (no allocation per step)
 */
import type { Rng } from '../../harness/run/rng.ts'
import { drawAlias } from './alias.ts'
import type { LayeredCsr } from './supra-graph.ts'

export interface WalkParams {
  /** Walks per state node (γ). */
  walksPerNode: number
  /** Tokens per walk (t). */
  walkLength: number
  /** Layer-jump probability r (ignored with one layer). */
  jump: number
}

export interface WalkCorpus {
  tokens: Int32Array
  walkLength: number
  walks: number
  /** Vocabulary size: N·L states. */
  vocab: number
}

/** The walk corpus of `csr` with the given parameters. */
export function supraWalks(rng: Rng, csr: LayeredCsr, p: WalkParams): WalkCorpus {
  const { n, layers: L, offset, nbr, weighted } = csr
  const V = n * L
  const walks = V * p.walksPerNode
  const tokens = new Int32Array(walks * p.walkLength)
  const order = new Int32Array(V)
  for (let s = 0; s < V; s++) order[s] = s
  let w = 0
  for (let pass = 0; pass < p.walksPerNode; pass++) {
    for (let s = V - 1; s > 0; s--) {
      const j = rng.int(s + 1)
      const t = order[s] as number
      order[s] = order[j] as number
      order[j] = t
    }
    for (let k = 0; k < V; k++) {
      let state = order[k] as number
      const base = w * p.walkLength
      tokens[base] = state
      for (let step = 1; step < p.walkLength; step++) {
        const layer = Math.floor(state / n)
        const node = state - layer * n
        const from = offset[state] as number
        const deg = (offset[state + 1] as number) - from
        if (L > 1 && (deg === 0 || rng.next() < p.jump)) {
          const other = rng.int(L - 1)
          state = (other >= layer ? other + 1 : other) * n + node
        } else if (deg > 0) {
          const pick = weighted
            ? drawAlias(rng, weighted.prob, weighted.alias, from, deg)
            : rng.int(deg)
          state = layer * n + (nbr[from + pick] as number)
        }
        tokens[base + step] = state
      }
      w++
    }
  }
  return { tokens, walkLength: p.walkLength, walks, vocab: V }
}
