/**
 * The sparse engine as harness subjects: `sparse-wasm` and `sparse-native` generate a kernel
 * specialised to the layer's W (fused bias + ReLU), pick its tile by timing the candidates
 * (autotuner) when more than one is given, and time the chosen kernel. Prepare time (the chosen
 * kernel's generation + compile + load) and tuning time are reported apart from run time.
 * Native kernels compile into a per-trial folder by default, so prepare_ms is a real compile.
 * With `reuseTuning`, the tile tuned at the first repetition of a point (shape, N, sparsity,
 * pattern) is reused by later repetitions, whose W differ only by seed: tune_ms then is their
 * prepare alone (annotated `tuning: reused`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import { createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { TimingParams } from '../../harness/measure/latency.ts'
import {
  type Metrics,
  metric,
  type SubjectDef,
  type TrialContext,
  TrialSkipped,
} from '../../harness/types.ts'
import { linearReluModel, transpose } from '../../studies/sparse/linear-onnx.ts'
import { type SparseMatmul, spmmMetrics } from '../../studies/sparse/sparse-matmul.ts'
import {
  autotune,
  type Candidate,
  defaultCandidates,
  type TuneTiming,
  variantName,
} from './autotune.ts'
import { nativeAvailable, nativeTarget, nativeToolchain, prepareNative } from './codegen-c.ts'
import { wasmTarget } from './codegen-wasm.ts'
import { interleavedMetrics, timeInterleaved } from './interleave.ts'
import { prepareSplit } from './split-rows.ts'
import type { KernelTarget, PreparedKernel, Tile } from './types.ts'

const TileParam = z.strictObject({
  rowBlock: z.number().int().min(1),
  colVectors: z.number().int().min(1),
  kBlocks: z.number().int().min(1).optional(),
  /** Native x86: instruction set of this candidate. */
  isa: z.enum(['avx2', 'avx512']).optional(),
  /** Group rows into blocks by shared nonzero columns. */
  clusterRows: z.boolean().optional(),
})

const Params = z.strictObject({
  /** Candidate tiles; one is prepared directly, several are autotuned. @default per target */
  tiles: z.array(TileParam).min(1).optional(),
  /** Interleaved timed rounds over the candidates while tuning (median per candidate). */
  tuneReps: z.number().int().min(1).default(11),
  /**
   * Bytes of scratch memory written before every timed tuning call, so candidates are compared
   * with their code and data out of L2, as they run between other layers and after onnxruntime.
   */
  tuneEvictBytes: z
    .number()
    .int()
    .min(0)
    .default(8 * 1024 * 1024),
  /**
   * Native only: the ISA of the default search space; `auto` = AVX-512 where the CPU has it,
   * else AVX2.
   */
  isa: z.enum(['auto', 'avx2', 'avx512']).default('auto'),
  /** Reuse the tile tuned for the same shape, N, sparsity and pattern in this run. */
  reuseTuning: z.boolean().default(true),
  /**
   * Native only: 2 splits W's rows across the calling thread and a koffi worker thread (one
   * kernel per half, the first candidate tile, no tuning). @default 1
   */
  kernelThreads: z.number().int().min(1).max(2).default(1),
  /** Native only: reuse libraries compiled earlier (shared disk cache) instead of a fresh folder. */
  diskCache: z.boolean().default(false),
  /**
   * Native only: also time onnxruntime dense (same W with its zeros, same thread count) in
   * alternating rounds with the kernel, for a same-trial `speedup` that machine load hits alike.
   */
  interleaveOrt: z.boolean().default(true),
  ...TimingParams,
})
type Params = z.output<typeof Params>

/** The wasm default: 8 output rows share each loaded X vector (best in bench-kernels.ts). */
const WASM_TILES: Partial<Tile>[] = [{ rowBlock: 8, colVectors: 1 }]

function withoutUndefined(t: z.output<typeof TileParam>): Candidate {
  const c: Candidate = { rowBlock: t.rowBlock, colVectors: t.colVectors }
  if (t.kBlocks !== undefined) c.kBlocks = t.kBlocks
  if (t.isa !== undefined) c.isa = t.isa
  if (t.clusterRows !== undefined) c.clusterRows = t.clusterRows
  return c
}

function describeTuning(timings: TuneTiming[]): string {
  return timings
    .map((t) =>
      t.status === 'ok'
        ? `${t.variant}: ${t.medianMs.toFixed(3)} ms (score ${t.score.toFixed(3)})`
        : `${JSON.stringify(t.candidate)}: ${t.error}`,
    )
    .join('; ')
}

/** The chosen variant as numbers, so a table can show it (and show when seeds disagree). */
function variantMetrics(k: PreparedKernel, index: number): Metrics {
  return {
    variant_index: metric(index, '', 'lower'),
    row_block: metric(k.tile.rowBlock, 'rows', 'higher'),
    col_vectors: metric(k.tile.colVectors, 'vectors', 'higher'),
    k_blocks: metric(k.tile.kBlocks, 'chunks', 'lower'),
    lanes: metric(k.isa === 'avx512' ? 16 : k.isa === 'avx2' ? 8 : 4, 'f32', 'higher'),
    clustered: metric(k.clustered ? 1 : 0, '', 'higher'),
  }
}

function sparseSubject(
  name: 'sparse-wasm' | 'sparse-native',
  which: 'wasm' | 'native',
): SubjectDef<Params, SparseMatmul> {
  return {
    name,
    kind: 'method',
    description:
      which === 'wasm'
        ? 'SpMM kernel generated for the pruned W as WebAssembly SIMD128, instantiated in-process'
        : 'SpMM kernel generated for the pruned W as AVX2 code, compiled by the system C compiler',
    params: Params,
    async run(ctx, { params, dataset }) {
      const d = dataset.data
      const { M, K, N } = d
      let target: KernelTarget = wasmTarget
      let cacheDir: string | undefined
      if (which === 'native') {
        const available = nativeAvailable()
        if (!available.ok) throw new TrialSkipped(`native sparse kernels: ${available.reason}`)
        const tc = nativeToolchain()
        if (typeof tc !== 'string') ctx.annotate('compiler', tc.version)
        if (!params.diskCache) cacheDir = mkdtempSync(join(tmpdir(), 'effbench-sparse-trial-'))
        const dir = cacheDir
        target = {
          ...nativeTarget,
          prepare: (w, o) => prepareNative(w, o, dir === undefined ? {} : { cacheDir: dir }),
        }
      }
      if (params.kernelThreads === 2) {
        if (which !== 'native') throw new TypeError('kernelThreads: 2 needs the native target')
        return runSplit(ctx, params, d, target, cacheDir)
      }
      const tc = nativeToolchain()
      const isas: ('avx2' | 'avx512')[] =
        params.isa === 'auto'
          ? [typeof tc !== 'string' && tc.avx512 ? 'avx512' : 'avx2']
          : [params.isa]
      if (which === 'native' && isas.includes('avx512') && (typeof tc === 'string' || !tc.avx512))
        throw new TrialSkipped('native sparse kernels: isa avx512 needs a CPU with AVX-512F')
      const candidates: Candidate[] =
        params.tiles?.map(withoutUndefined) ??
        (which === 'wasm' ? WASM_TILES : defaultCandidates(nativeTarget, isas))
      const shape = { M, K, N, bias: d.bias, relu: true }
      const clock = () => ctx.now()
      let kernel: PreparedKernel | undefined
      let index = 0
      // The dense layer this kernel replaces: run between tuning calls (candidates compete in the
      // cache state a network leaves) and timed against the chosen kernel in alternating rounds.
      const dense = which === 'native' && params.interleaveOrt ? await denseLayer(d, 1) : undefined
      try {
        const t0 = ctx.now()
        const prepare = (c: Candidate) => {
          const { isa, clusterRows, ...tile } = c
          return target.prepare(d.w, {
            ...shape,
            tile,
            clock,
            ...(which === 'native' && isa ? { isa } : {}),
            ...(clusterRows !== undefined ? { clusterRows } : {}),
          })
        }
        if (candidates.length === 1) kernel = await prepare(candidates[0] ?? {})
        else {
          const tune = async (): Promise<{ index: number }> => {
            const tuned = await autotune(target, d.w, shape, {
              candidates,
              clock,
              reps: params.tuneReps,
              ...(dense ? { between: () => dense.run() } : { evictBytes: params.tuneEvictBytes }),
            })
            kernel = tuned.kernel
            ctx.annotate('tuning', describeTuning(tuned.timings))
            return { index: tuned.index }
          }
          const key = { tuned: name, M, K, N, sparsity: d.sparsity, pattern: d.pattern, candidates }
          const chosen = params.reuseTuning ? await ctx.cache.getOrCreate(key, tune) : await tune()
          index = chosen.index
          if (kernel === undefined) {
            ctx.annotate('tuning', 'reused')
            kernel = await prepare(candidates[index] ?? {})
          }
        }
        const tuneMs = ctx.now() - t0
        const k = kernel
        ctx.annotate('backend', `sparse-engine-${which}`)
        ctx.annotate('tile', `${k.tile.rowBlock}x${k.tile.colVectors}x${k.tile.kBlocks}`)
        ctx.annotate('variant', variantName(k))
        ctx.annotate('codeBytes', k.codeBytes)
        ctx.annotate('candidates', candidates.length)
        ctx.annotate('kernelThreads', 1)
        if ('cached' in k) ctx.annotate('cached', Boolean(k.cached))
        const y = new Float32Array(M * N)
        k.run(d.x, y)
        const error = maxRelativeError(y, d.expected)
        const timed = await spmmMetrics(() => k.run(d.x, y), params, d)
        const versus = dense ? await versusOrt(ctx, d, dense, () => k.run(d.x, y), params) : {}
        return {
          ...timed,
          ...versus,
          prepare_ms: metric(k.prepareMs, 'ms', 'lower'),
          tune_ms: metric(tuneMs, 'ms', 'lower'),
          max_rel_err: metric(error, '', 'lower'),
          ...variantMetrics(k, index),
        }
      } finally {
        kernel?.dispose()
        await dense?.release()
        if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true })
      }
    },
  }
}

/** The native kernel split by rows across two threads (split-rows.ts), timed as one call. */
async function runSplit(
  ctx: TrialContext,
  params: Params,
  d: SparseMatmul,
  target: KernelTarget,
  cacheDir: string | undefined,
): Promise<Metrics> {
  const { M, K, N } = d
  const { isa, clusterRows, ...tile } = params.tiles?.[0] ? withoutUndefined(params.tiles[0]) : {}
  const t0 = ctx.now()
  const k = await prepareSplit(
    d.w,
    {
      M,
      K,
      N,
      bias: d.bias,
      relu: true,
      tile,
      clock: () => ctx.now(),
      ...(isa ? { isa } : {}),
      ...(clusterRows !== undefined ? { clusterRows } : {}),
    },
    (w, o) => target.prepare(w, o),
  )
  const prepareMs = ctx.now() - t0
  try {
    const t = k.kernels[0].tile
    ctx.annotate('backend', 'sparse-engine-native')
    ctx.annotate('tile', `${t.rowBlock}x${t.colVectors}x${t.kBlocks}`)
    ctx.annotate('kernelThreads', 2)
    ctx.annotate('splitRow', k.split)
    const y = new Float32Array(M * N)
    await k.run(d.x, y)
    const error = maxRelativeError(y, d.expected)
    const timed = await spmmMetrics(() => k.run(d.x, y), params, d)
    const dense = params.interleaveOrt ? await denseLayer(d, 2) : undefined
    let versus: Metrics = {}
    try {
      if (dense) versus = await versusOrt(ctx, d, dense, () => k.run(d.x, y), params)
    } finally {
      await dense?.release()
    }
    return {
      ...timed,
      ...versus,
      // Both halves generated and compiled; the split path takes its tile as given (no tuning).
      prepare_ms: metric(prepareMs, 'ms', 'lower'),
      max_rel_err: metric(error, '', 'lower'),
    }
  } finally {
    k.dispose()
    if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true })
  }
}

/** onnxruntime dense relu(W·X + b) on the same W with its zeros, at `threads` intra-op threads. */
interface DenseLayer {
  /** One call on the trial's X (transposed to onnxruntime's layout once). */
  run(): Promise<unknown>
  /** Its output, row-major M x N. */
  output(): Promise<Float32Array>
  release(): Promise<void>
}

async function denseLayer(d: SparseMatmul, threads: number): Promise<DenseLayer> {
  const { M, K, N } = d
  const s = await createOrtSession(linearReluModel(d.w, d.bias, d, 'xtwt'), { threads })
  const feeds = { x: new ort.Tensor('float32', transpose(d.x, K, N), [N, K]) }
  return {
    run: () => s.session.run(feeds),
    output: async () => transpose((await s.session.run(feeds)).y?.data as Float32Array, N, M),
    release: () => s.session.release(),
  }
}

/**
 * The kernel and onnxruntime dense (W with its zeros as the prepacked B operand) in alternating
 * rounds: `speedup` = median per-round ortᵢ / kernelᵢ with its 95% interval, `ort_ms` and
 * `ort_gflops` (dense, 2·M·K·N/t) from the same rounds.
 */
async function versusOrt(
  ctx: TrialContext,
  d: SparseMatmul,
  dense: DenseLayer,
  kernel: () => unknown,
  params: Params,
): Promise<Metrics> {
  const { M, K, N } = d
  const ortError = maxRelativeError(await dense.output(), d.expected)
  const r = await timeInterleaved(kernel, () => dense.run(), {
    timeMs: params.timeMs,
    minSamples: Math.max(params.minSamples, 7),
    now: () => ctx.now(),
  })
  const m = interleavedMetrics(r)
  const ortMs = m.baseline_ms?.value ?? Number.NaN
  return {
    speedup: m.speedup as Metrics[string],
    speedup_lo: m.speedup_lo as Metrics[string],
    speedup_hi: m.speedup_hi as Metrics[string],
    ort_ms: metric(ortMs, 'ms', 'lower', r.bMs),
    ort_gflops: metric((2 * M * K * N) / (ortMs * 1e6), 'GFLOP/s', 'higher'),
    ort_max_rel_err: metric(ortError, '', 'lower'),
  }
}

/** Generated WebAssembly SIMD128 kernel. */
export const sparseWasm = sparseSubject('sparse-wasm', 'wasm')
/** Generated native (AVX2) kernel; skipped with the reason where no C compiler is found. */
export const sparseNative = sparseSubject('sparse-native', 'native')
/** Both sparse-engine subjects. */
