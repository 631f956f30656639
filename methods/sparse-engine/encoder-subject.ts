/**
 * `sparse-encoder`: the pruned encoder run by the sparse engine (encoder-engine.ts), checked
 * against tfjs's output and against onnxruntime dense on the same weights, and timed interleaved
 * with onnxruntime dense (zeros stored, `ctx.threads` intra-op threads) in one run. The engine
 * works feature-major: h0ᵀ is prepared outside the timing, and its output stays d x T.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { annotateOrtSession, createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { type Metrics, metric, type SubjectDef, TrialSkipped } from '../../harness/types.ts'
import { encoderBlocksModel } from '../../models/sparse/encoder-onnx.ts'
import type { PrunedEncoder } from '../../studies/sparse/pruned-encoder.ts'
import { nativeAvailable, nativeToolchain } from './codegen-c.ts'
import { ENCODER_OPS, prepareEncoder } from './encoder-engine.ts'
import { interleavedMetrics, timeInterleaved } from './interleave.ts'
import { transposeMatrix } from './layout.ts'

const Params = z.strictObject({
  /** Sparsity from which a layer gets a generated kernel (else the dense GEMM). */
  sparseFrom: z.number().min(0).max(1).default(0.5),
  /** Instruction set of the generated kernels; `auto` = AVX-512 where the CPU has it. */
  isa: z.enum(['auto', 'avx2', 'avx512']).default('auto'),
  /** Register tile; @default 24 x 1, rows clustered, on AVX-512 (the sparse-engine default), 4 x 2 on AVX2 */
  rowBlock: z.number().int().min(1).optional(),
  colVectors: z.number().int().min(1).optional(),
  clusterRows: z.boolean().optional(),
  /** Residual adds fused into the Wo / W2 kernel epilogues. */
  fuseResidual: z.boolean().default(true),
  /** Profiled forward passes for the per-op breakdown (median per operator). */
  profileReps: z.number().int().min(1).default(5),
  /** Reuse kernels compiled earlier (shared disk cache) instead of a fresh folder. */
  diskCache: z.boolean().default(false),
  /** Interleaved timing budget, ms. */
  timeMs: z.number().positive().default(1000),
  minSamples: z.number().int().min(1).default(10),
})

export const sparseEncoder: SubjectDef<z.output<typeof Params>, PrunedEncoder> = {
  name: 'sparse-encoder',
  kind: 'method',
  description:
    'Pruned BERT-like encoder through the sparse engine (generated kernels, fused QKV/bias/ReLU, dense attention) vs onnxruntime dense',
  params: Params,
  async run(ctx, { params, dataset }) {
    const available = nativeAvailable()
    if (!available.ok) throw new TrialSkipped(`native sparse kernels: ${available.reason}`)
    const tc = nativeToolchain()
    if (typeof tc !== 'string') ctx.annotate('compiler', tc.version)
    const data = dataset.data
    const { dModel: d, seqLength: T } = data
    const cacheDir = params.diskCache
      ? undefined
      : mkdtempSync(join(tmpdir(), 'effbench-sparse-encoder-'))
    let engine: Awaited<ReturnType<typeof prepareEncoder>> | undefined
    let session: ort.InferenceSession | undefined
    try {
      const wide =
        params.isa === 'avx512' || (params.isa === 'auto' && typeof tc !== 'string' && tc.avx512)
      if (wide && (typeof tc === 'string' || !tc.avx512))
        throw new TrialSkipped('native sparse kernels: isa avx512 needs a CPU with AVX-512F')
      engine = await prepareEncoder(data, {
        sparseFrom: params.sparseFrom,
        isa: wide ? 'avx512' : 'avx2',
        clusterRows: params.clusterRows ?? wide,
        fuseResidual: params.fuseResidual,
        tile: {
          rowBlock: params.rowBlock ?? (wide ? 24 : 4),
          colVectors: params.colVectors ?? (wide ? 1 : 2),
        },
        clock: () => ctx.now(),
        ...(cacheDir ? { cacheDir } : {}),
      })
      const run = engine
      const input = transposeMatrix(data.h0, T, d)
      const out = new Float32Array(d * T)
      run.forward(input, out)
      const tokenMajor = transposeMatrix(out, d, T)
      // One intra-op thread, as the engine: like with like whatever --threads says.
      const s = await createOrtSession(encoderBlocksModel(data), { threads: 1 })
      session = s.session
      const ortSession = s.session
      const feeds = { h: new ort.Tensor('float32', data.h0, [T, d]) }
      const ortOut = (await ortSession.run(feeds)).y?.data as Float32Array
      const timed = await timeInterleaved(
        () => run.forward(input, out),
        () => ortSession.run(feeds),
        { timeMs: params.timeMs, minSamples: params.minSamples, now: () => ctx.now() },
      )
      const m = interleavedMetrics(timed)
      // Per-op breakdown: profiled passes after the timing, median per operator kind.
      const passes = Array.from({ length: params.profileReps }, () => run.profile(input, out))
      const breakdown: Metrics = {}
      for (const op of ENCODER_OPS) {
        const xs = passes.map((p) => p[op]).sort((a, b) => a - b)
        breakdown[`op_${op}_ms`] = metric(xs[xs.length >> 1] as number, 'ms', 'lower', xs)
      }
      ctx.annotate('backend', 'sparse-engine-native')
      annotateOrtSession(ctx, s)
      ctx.annotate('kernelThreads', 1)
      ctx.annotate(
        'layers',
        run.choices
          .map((c) => `${c.layer}=${c.choice.detail}(${c.choice.sparsity.toFixed(2)})`)
          .join(' '),
      )
      const latency = m.latency_ms?.value ?? Number.NaN
      return {
        ...m,
        gflops: metric((2 * data.macs) / (latency * 1e6), 'GFLOP/s', 'higher'),
        prepare_ms: metric(run.prepareMs, 'ms', 'lower'),
        code_mb: metric(run.codeBytes / 1e6, 'MB', 'lower'),
        max_rel_err: metric(maxRelativeError(tokenMajor, data.expected), '', 'lower'),
        max_rel_err_ort: metric(maxRelativeError(tokenMajor, ortOut), '', 'lower'),
        ...breakdown,
      }
    } finally {
      engine?.dispose()
      await session?.release()
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true })
    }
  },
}
