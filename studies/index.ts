/**
 * Workloads: datasets that are built from models (a pruned encoder, pruned weight matrices).
 * They live here, above models/, because datasets/ never imports models/; the composition root
 * registers them beside datasets/'s list.
 */
import { prunedEncoder } from './sparse/pruned-encoder.ts'
import { sparseMatmul } from './sparse/sparse-matmul.ts'

export const workloads = [sparseMatmul, prunedEncoder] as const
