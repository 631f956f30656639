/**
 * `hash-layer`: the FFN of the chosen decoder blocks replaced by K expert FFNs, each token sent
 * to the expert a fixed hash of its token id picks (Roller et al., NeurIPS 2021): no router
 * parameters, no balancing loss. `routing` picks the hash (random, balanced, clustered, bigram,
 * position, the cheating target-token oracle, MultiHash with `segments` hashes); the shared
 * protocol (studies/hash-layers/trial.ts) trains and measures it like every other arm.
 */
import { z } from 'zod'
import type { LmCorpus } from '../../datasets/lm-corpus.ts'
import type { AnySubject, SubjectDef } from '../../harness/types.ts'
import { HASH_ROUTINGS } from '../../studies/hash-layers/routing.ts'
import { ArmParams, runArm } from '../../studies/hash-layers/trial.ts'

export const HashLayerParams = ArmParams.extend({
  /** @default 'hash-balanced' */
  routing: z.enum(HASH_ROUTINGS).default('hash-balanced'),
  /** MultiHash: hashes N, each picking one of N segments of the expert weights. @default 2 */
  segments: z.number().int().positive().default(2),
})
export type HashLayerParams = z.output<typeof HashLayerParams>

export const hashLayer: SubjectDef<HashLayerParams, LmCorpus> = {
  name: 'hash-layer',
  kind: 'method',
  description:
    'Token-hashed mixture of expert FFNs (Hash Layers): fixed token-id -> expert routing, no router, no aux loss',
  params: HashLayerParams,
  run: (ctx, { params, dataset }) => {
    const { routing, segments, ...arm } = params
    return runArm(
      ctx,
      arm,
      { kind: 'hash', routing, segments: routing === 'multihash' ? segments : 1 },
      dataset.data,
    )
  },
}

export const subjects: readonly AnySubject[] = [hashLayer]
