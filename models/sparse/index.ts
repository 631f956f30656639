/** Shared sparse building blocks: magnitude pruning, CSR / block-CSR formats, reference kernels. */
export { type BlockCsr, type Csr, csrToDense, toBlockCsr, toCsr } from './formats.ts'
export {
  applyMask,
  type MatrixRef,
  type PruneOptions,
  PrunePattern,
  type PruneResult,
  pruneGlobal,
  pruneLayers,
  pruneMagnitude,
} from './prune.ts'
export { blockCsrSpmm, csrSpmm, denseGemm, type Epilogue } from './reference.ts'
