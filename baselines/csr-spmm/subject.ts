/**
 * `csr-spmm`: the pruned layer as plain TypeScript CSR SpMM (Y[i,:] += W[i,k]·X[k,:] per nonzero)
 * with fused bias and ReLU: the generic, unspecialised sparse kernel the code generator must beat.
 */
import { z } from 'zod'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams } from '../../harness/measure/latency.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { toCsr } from '../../models/sparse/formats.ts'
import { csrSpmm } from '../../models/sparse/reference.ts'
import { type SparseMatmul, spmmMetrics } from '../../studies/sparse/sparse-matmul.ts'

const Params = z.strictObject({
  ...TimingParams,
})

export const csrSpmmBaseline: SubjectDef<z.output<typeof Params>, SparseMatmul> = {
  name: 'csr-spmm',
  kind: 'baseline',
  description: 'Pruned linear layer as plain TypeScript CSR SpMM (bias and ReLU fused)',
  params: Params,
  async run(ctx, { params, dataset }) {
    const d = dataset.data
    const t0 = ctx.now()
    const csr = toCsr(d.w, d.M, d.K)
    const prepareMs = ctx.now() - t0
    ctx.annotate('backend', 'typescript-csr')
    const y = new Float32Array(d.M * d.N)
    const epilogue = { bias: d.bias, relu: true }
    csrSpmm(csr, d.x, y, d.N, epilogue)
    const error = maxRelativeError(y, d.expected)
    const timed = await spmmMetrics(() => csrSpmm(csr, d.x, y, d.N, epilogue), params, d)
    return {
      ...timed,
      prepare_ms: metric(prepareMs, 'ms', 'lower'),
      max_rel_err: metric(error, '', 'lower'),
    }
  },
}
