/**
 * Every method, listed explicitly: one line per method folder. Each folder's index.ts is its
 * whole face: `subjects`, and `summaries` where the method adds a report section to its suite.
 */
import type { SuiteSummary } from '../harness/report/write.ts'
import type { AnySubject } from '../harness/types.ts'
import * as amanda from './amanda/index.ts'
import * as approxMultiplier from './approx-multiplier/index.ts'
import * as gnnCentrality from './gnn-centrality/index.ts'
import * as gntp from './gntp/index.ts'
import * as hashLayers from './hash-layers/index.ts'
import * as margin from './margin/index.ts'
import * as multilayerEmbedding from './multilayer-embedding/index.ts'
import * as pam from './pam/index.ts'
import * as quantization from './quantization/index.ts'
import * as sparseEngine from './sparse-engine/index.ts'
import * as squeezeReasoning from './squeeze-reasoning/index.ts'

interface MethodFace {
  subjects: readonly AnySubject[]
  summaries?: readonly SuiteSummary[]
}

const faces: readonly MethodFace[] = [
  pam,
  quantization,
  amanda,
  margin,
  sparseEngine,
  multilayerEmbedding,
  gnnCentrality,
  approxMultiplier,
  hashLayers,
  squeezeReasoning,
  gntp,
]

export const methods: readonly AnySubject[] = faces.flatMap((f) => f.subjects)
export const summaries: readonly SuiteSummary[] = faces.flatMap((f) => f.summaries ?? [])
