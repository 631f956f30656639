/**
 * Native code generator: C with GCC vector extensions, compiled by the system compiler at prepare
 * time (-O3 -march=native) into a shared library, cached by hash and called through koffi.
 *
 *   plan (plan.ts)    W -> steps of (row block, K chunk), distinct k per step, empty rows apart
 *   emit C            per step a static function: a loop over N in tiles of `colVectors` vectors
 *                     (8 lanes with AVX2, 16 with AVX-512, 4 otherwise); inside it straight-line
 *                     code: accumulators from the bias literal | zero | Y, per k the X vectors at
 *                     a constant offset, per nonzero a broadcast of the weight from a constant
 *                     array at a constant index and a multiply-add (FMA after contraction) into
 *                     the block's accumulators, then ReLU and store; leftover vectors get a
 *                     shorter pass, leftover columns a scalar pass; empty rows are filled
 *   split             steps spread over several translation units compiled in parallel
 *   compile + cache   <tmpdir>/effbench-sparse/<hash>.so, hash of sources + flags + compiler
 *   load              koffi binds `sparse_run(const float *X, float *Y)`
 */
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  accessSync,
  existsSync,
  constants as fsc,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import koffi from 'koffi'
import { hashOf } from '../../harness/hash.ts'
import { emitX86Unit, isaLanes, type X86Isa, x86TileFits } from './emit-x86.ts'
import { type KernelPlan, type PlanStep, planKernel, resolveTile, stepTerms } from './plan.ts'
import type { Availability, KernelTarget, PreparedKernel, PrepareOptions } from './types.ts'

const run = promisify(execFile)

/** The C compiler found on PATH and what `-march=native` gives it. */
export interface NativeToolchain {
  compiler: string
  version: string
  /** f32 lanes of the widest vector unit: 16 (AVX-512), 8 (AVX/AVX2), else 4. */
  lanes: number
  /** x86-64 with AVX2 and FMA on a System V platform: the assembly emitter can be used. */
  x86: boolean
  /** x86 with AVX-512F as well: the assembler's AVX-512 path can be used. */
  avx512: boolean
  flags: string[]
}

export interface NativeCodegenOptions {
  /** 'asm': AVX2 assembly (x86-64); 'c': C with vector extensions. @default 'asm' where possible */
  emit?: 'asm' | 'c'
  /** Optimisation level. @default '-O3' */
  opt?: '-O1' | '-O2' | '-O3'
  /** Translation units compiled in parallel. @default min(cores, a unit per ~40k weight terms) */
  units?: number
  /** Vector width in lanes, at most the toolchain's. @default the toolchain's */
  lanes?: number
  /** Prefetch the code of later steps into L2 (assembly emitter). @default true */
  prefetchCode?: boolean
  /** Instruction set of the assembly emitter. @default 'avx512' where the CPU has it, else 'avx2' */
  isa?: X86Isa
  /** Bytes of one column tile of X a K chunk may hold when the tile leaves kBlocks open. @default CHUNK_BYTES */
  chunkBytes?: number
  /** Cache folder. @default <os tmpdir>/effbench-sparse */
  cacheDir?: string
}

function findOnPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue
    const p = join(dir, name)
    try {
      accessSync(p, fsc.X_OK)
      return p
    } catch {}
  }
  return undefined
}

const toolchains = new Map<string, NativeToolchain | string>()

/** The toolchain on `pathEnv` (cc, then gcc), or why there is none. Probed once per PATH. */
export function nativeToolchain(pathEnv = process.env['PATH'] ?? ''): NativeToolchain | string {
  const cached = toolchains.get(pathEnv)
  if (cached !== undefined) return cached
  let result: NativeToolchain | string
  const compiler = findOnPath('cc', pathEnv) ?? findOnPath('gcc', pathEnv)
  if (compiler === undefined) result = 'no C compiler (cc/gcc) on PATH'
  else {
    try {
      const version =
        execFileSync(compiler, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? ''
      const macros = execFileSync(compiler, ['-march=native', '-dM', '-E', '-x', 'c', '-'], {
        input: '',
        encoding: 'utf8',
      })
      const lanes = macros.includes('__AVX512F__') ? 16 : macros.includes('__AVX__') ? 8 : 4
      const x86 =
        process.platform !== 'win32' &&
        ['__x86_64__', '__AVX2__', '__FMA__'].every((m) => macros.includes(`#define ${m} `))
      result = {
        compiler,
        version,
        lanes,
        x86,
        avx512: x86 && macros.includes('#define __AVX512F__ '),
        flags: ['-march=native', '-ffp-contract=fast', '-fPIC', '-fno-math-errno'],
      }
    } catch (e) {
      result = `C compiler ${compiler} failed to run: ${(e as Error).message.split('\n')[0]}`
    }
  }
  toolchains.set(pathEnv, result)
  return result
}

/** Whether generated native kernels can be built here. */
export function nativeAvailable(pathEnv = process.env['PATH'] ?? ''): Availability {
  const tc = nativeToolchain(pathEnv)
  return typeof tc === 'string' ? { ok: false, reason: tc } : { ok: true }
}

/** A float literal that reads back as the same f32. */
function lit(v: number): string {
  const s = Math.fround(v).toPrecision(9)
  return s.includes('e') || s.includes('.') ? `${s}f` : `${s}.0f`
}

interface Emit {
  lanes: number
  n: number
  ct: number
}

/** One pass of a step over `width` vectors (or scalars when lanes = 1) at column pointer x/y. */
function emitPass(
  out: string[],
  step: PlanStep,
  N: number,
  w0: number,
  width: number,
  vec: boolean,
  plan: KernelPlan,
): void {
  const ty = vec ? 'vf' : 'float'
  const lanes = vec ? 1 : 0
  const col = (v: number) => (vec ? `${v}*VL` : `${v}`)
  const ld = (p: string) => (vec ? `LD(${p})` : `*(${p})`)
  const bc = (s: string) => (vec ? `BC(${s})` : s)
  void lanes
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      const init =
        step.init === 'bias'
          ? bc(lit(plan.bias?.[row] ?? 0))
          : step.init === 'zero'
            ? bc('0.0f')
            : step.init === 'residual'
              ? `${ld(`y + ${row * N} + ${col(v)}`)} + ${bc(lit(plan.bias?.[row] ?? 0))}`
              : ld(`y + ${row * N} + ${col(v)}`)
      out.push(`${ty} a${slot}_${v} = ${init};`)
    }
  })
  let wi = w0
  for (const c of step.columns) {
    const xs: string[] = []
    for (let v = 0; v < width; v++) xs.push(`x${v} = ${ld(`x + ${c.k * N} + ${col(v)}`)}`)
    out.push(`{ ${ty} ${xs.join(', ')};`)
    for (const t of c.terms) {
      const fmas: string[] = []
      for (let v = 0; v < width; v++) fmas.push(`a${t.slot}_${v} += x${v} * w;`)
      out.push(`  { ${ty} w = ${bc(`Wt[${wi}]`)}; ${fmas.join(' ')} }`)
      wi++
    }
    out.push('}')
  }
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      const a = `a${slot}_${v}`
      const val = step.relu ? (vec ? `RELU(${a})` : `(${a} > 0.0f ? ${a} : 0.0f)`) : a
      out.push(vec ? `ST(y + ${row * N} + ${col(v)}, ${val});` : `y[${row * N}] = ${val};`)
    }
  })
}

function emitStep(
  out: string[],
  name: string,
  step: PlanStep,
  w0: number,
  e: Emit,
  plan: KernelPlan,
): void {
  const { n: N, lanes, ct } = e
  const vectors = Math.floor(N / lanes)
  const tileVectors = Math.min(ct, Math.max(1, vectors))
  const full = Math.floor(vectors / tileVectors)
  const rest = vectors - full * tileVectors
  out.push(
    `static __attribute__((noinline)) void ${name}(const float *restrict X, float *restrict Y) {`,
  )
  if (full > 0) {
    out.push(`for (int n = 0; n < ${full * tileVectors * lanes}; n += ${tileVectors * lanes}) {`)
    out.push('const float *x = X + n; float *y = Y + n;')
    emitPass(out, step, N, w0, tileVectors, true, plan)
    out.push('}')
  }
  if (rest > 0) {
    out.push(
      `{ const float *x = X + ${full * tileVectors * lanes}; float *y = Y + ${full * tileVectors * lanes};`,
    )
    emitPass(out, step, N, w0, rest, true, plan)
    out.push('}')
  }
  if (vectors * lanes < N) {
    out.push(`for (int n = ${vectors * lanes}; n < ${N}; n++) {`)
    out.push('const float *x = X + n; float *y = Y + n;')
    emitPass(out, step, N, w0, 1, false, plan)
    out.push('}')
  }
  out.push('}')
}

function prelude(lanes: number): string {
  return [
    '#include <stddef.h>',
    `#define VL ${lanes}`,
    `typedef float vf __attribute__((vector_size(${lanes * 4})));`,
    `typedef float vfu __attribute__((vector_size(${lanes * 4}), aligned(4), may_alias));`,
    `typedef int vi __attribute__((vector_size(${lanes * 4})));`,
    '#define LD(p) (*(const vfu *)(p))',
    '#define ST(p, v) (*(vfu *)(p) = (v))',
    '#define BC(s) ((vf){} + (s))',
    '#define RELU(a) ((vf)((vi)(a) & ((a) > (vf){})))',
    '',
  ].join('\n')
}

/** The plan's steps cut into `units` runs of about equal work. */
export function splitUnits(plan: KernelPlan, units: number): PlanStep[][] {
  const total = plan.steps.reduce((s, st) => s + Math.max(1, stepTerms(st)), 0)
  const perUnit = Math.ceil(total / Math.max(1, units))
  const parts: PlanStep[][] = []
  let cur: PlanStep[] = []
  let acc = 0
  for (const step of plan.steps) {
    cur.push(step)
    acc += Math.max(1, stepTerms(step))
    if (acc >= perUnit) {
      parts.push(cur)
      cur = []
      acc = 0
    }
  }
  if (cur.length > 0) parts.push(cur)
  return parts
}

/** C source of one unit: its steps as functions and `sparse_part<u>` calling them in order. */
export function emitCUnit(
  plan: KernelPlan,
  u: number,
  steps: readonly PlanStep[],
  lanes: number,
): string {
  const e: Emit = { lanes, n: plan.N, ct: plan.tile.colVectors }
  const out: string[] = []
  const weights: number[] = []
  const calls: string[] = []
  steps.forEach((step, s) => {
    const name = `s${s}`
    emitStep(out, name, step, weights.length, e, plan)
    for (const c of step.columns) for (const t of c.terms) weights.push(t.weight)
    calls.push(`  ${name}(X, Y);`)
  })
  return [
    prelude(lanes),
    `static const float Wt[${Math.max(1, weights.length)}] = {${weights.length ? weights.map(lit).join(',') : '0'}};`,
    ...out,
    `void sparse_part${u}(const float *restrict X, float *restrict Y) {`,
    ...calls,
    '}',
    '',
  ].join('\n')
}

/** The C entry point: calls every unit, then fills the empty rows with relu(bias) or 0. */
export function emitCMain(plan: KernelPlan, units: number): string {
  const main = ['#include <stddef.h>']
  for (let u = 0; u < units; u++)
    main.push(`void sparse_part${u}(const float *restrict X, float *restrict Y);`)
  main.push('void sparse_run(const float *restrict X, float *restrict Y) {')
  for (let u = 0; u < units; u++) main.push(`  sparse_part${u}(X, Y);`)
  for (const row of plan.emptyRows) {
    const b = plan.bias?.[row] ?? 0
    const y = `Y[${row * plan.N} + n]`
    if (plan.accumulate) {
      const v = `${y} + ${lit(b)}`
      main.push(
        `  for (int n = 0; n < ${plan.N}; n++) { float v = ${v}; ${y} = ${plan.relu ? 'v > 0.0f ? v : 0.0f' : 'v'}; }`,
      )
    } else
      main.push(
        `  for (int n = 0; n < ${plan.N}; n++) ${y} = ${lit(plan.relu ? Math.max(0, b) : b)};`,
      )
  }
  main.push('}', '')
  return main.join('\n')
}

/** A source file of the library: name (with .c or .s) and text. */
export interface SourceFile {
  name: string
  text: string
}

/** All sources of a plan's library. */
export function emitNativeSources(
  plan: KernelPlan,
  emit: 'asm' | 'c',
  lanes: number,
  units: number,
  prefetchCode = true,
  isa: X86Isa = 'avx2',
): SourceFile[] {
  const parts = splitUnits(plan, units)
  const files: SourceFile[] = parts.map((steps, u) =>
    emit === 'asm'
      ? { name: `u${u}.s`, text: emitX86Unit(plan, u, steps, prefetchCode, isa) }
      : { name: `u${u}.c`, text: emitCUnit(plan, u, steps, lanes) },
  )
  files.push({ name: 'main.c', text: emitCMain(plan, parts.length) })
  return files
}

async function compileLibrary(
  tc: NativeToolchain,
  sources: SourceFile[],
  flags: string[],
  target: string,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'effbench-sparse-build-'))
  try {
    const objects = sources.map((f) => join(work, `${f.name}.o`))
    for (const f of sources) writeFileSync(join(work, f.name), f.text)
    let next = 0
    const worker = async () => {
      while (next < sources.length) {
        const i = next++
        const f = sources[i] as SourceFile
        await run(tc.compiler, [...flags, '-c', join(work, f.name), '-o', objects[i] as string], {
          maxBuffer: 1 << 24,
        })
      }
    }
    await Promise.all(
      Array.from({ length: Math.min(availableParallelism(), sources.length) }, worker),
    )
    const tmp = join(work, 'lib.so')
    await run(tc.compiler, ['-shared', '-o', tmp, ...objects])
    renameSync(tmp, target)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * K chunks of the native kernels when the tile leaves them open: a chunk holds about
 * `CHUNK_BYTES` (rounded to the nearest whole number of chunks) of one column tile of X
 * (rows x colVectors x 8 AVX2 lanes x 4 B; the rule was tuned at 8 lanes), so the X rows a
 * step reloads for every column tile stay in L1. Measured at 90% on 768x3072 (N = 128, tile
 * 4x2): 1 chunk 2.9 ms, 4 chunks 2.1, 8 chunks 1.8, 12 chunks 1.65 (best run each).
 */
export const CHUNK_BYTES = 16 * 1024

/**
 * Most bytes of Y (M x N floats) that K chunks may sweep: each chunk after the first reloads
 * and stores all of Y, which costs little while Y stays in L2 and more than the chunks save once
 * it spills to L3. Measured on 3072x768 at 95% (N = 128, AVX-512 4x2, one call after a run of
 * onnxruntime): 6 chunks 1.66 ms, 1 chunk 1.19 ms; on 768x3072 at 90% (Y 384 KB) chunks win.
 */
export const Y_SWEEP_BYTES = 512 * 1024

/**
 * K chunks for a native tile: enough that one chunk's column tile of X (K x colVectors x lanes
 * floats) fits `chunkBytes`; one chunk when Y (`yBytes`) is larger than `Y_SWEEP_BYTES`.
 */
export function autoKBlocks(
  K: number,
  colVectors: number,
  lanes = 8,
  chunkBytes = CHUNK_BYTES,
  yBytes = 0,
): number {
  if (yBytes > Y_SWEEP_BYTES) return 1
  return Math.max(1, Math.round((K * colVectors * lanes * 4) / chunkBytes))
}

/** The ISA the assembly emitter uses by default on this toolchain. */
export function defaultIsa(tc: NativeToolchain): X86Isa {
  return tc.avx512 ? 'avx512' : 'avx2'
}

/** Prepares a generated native kernel for W; throws when no compiler is available. */
export async function prepareNative(
  w: Float32Array,
  options: PrepareOptions,
  codegen: NativeCodegenOptions = {},
): Promise<PreparedKernel & { cached: boolean; library: string }> {
  const t0 = options.clock()
  const tc = nativeToolchain()
  if (typeof tc === 'string') throw new Error(`Cannot prepare native kernel: ${tc}`)
  const emit = codegen.emit ?? (tc.x86 ? 'asm' : 'c')
  if (emit === 'asm' && !tc.x86)
    throw new RangeError(`Cannot prepare native kernel: emit "asm" needs x86-64 with AVX2 and FMA`)
  const isa = options.isa ?? codegen.isa ?? defaultIsa(tc)
  if (emit === 'asm' && isa === 'avx512' && !tc.avx512)
    throw new RangeError('Cannot prepare native kernel: isa "avx512" needs a CPU with AVX-512F')
  const lanes = emit === 'asm' ? isaLanes(isa) : Math.min(codegen.lanes ?? tc.lanes, tc.lanes)
  const colVectors = options.tile?.colVectors ?? nativeTarget.defaultTile.colVectors
  const tile = resolveTile(
    {
      ...nativeTarget.defaultTile,
      kBlocks: autoKBlocks(
        options.K,
        colVectors,
        lanes,
        codegen.chunkBytes,
        options.M * options.N * 4,
      ),
    },
    options.tile,
  )
  if (emit === 'asm' && !x86TileFits(tile.rowBlock, tile.colVectors, isa))
    throw new RangeError(
      `Cannot prepare native kernel: tile ${tile.rowBlock} x ${tile.colVectors} needs more than the ${isa} vector registers`,
    )
  const plan = planKernel(w, options, tile)
  const units =
    codegen.units ?? Math.max(1, Math.min(availableParallelism(), Math.ceil(plan.nnz / 40000)))
  const sources = emitNativeSources(plan, emit, lanes, units, codegen.prefetchCode ?? true, isa)
  const flags = [codegen.opt ?? '-O3', ...tc.flags]
  const sourceHash = createHash('sha256')
  for (const f of sources) sourceHash.update(f.name).update('\0').update(f.text).update('\0')
  const key = hashOf({ source: sourceHash.digest('hex'), flags, compiler: tc.version })
  const dir = codegen.cacheDir ?? join(tmpdir(), 'effbench-sparse')
  mkdirSync(dir, { recursive: true })
  const library = join(dir, `${key}.so`)
  const cached = existsSync(library)
  if (!cached) await compileLibrary(tc, sources, flags, library)
  const lib = koffi.load(library)
  const fn = lib.func('void sparse_run(const float *X, float *Y)')
  const { M, K, N } = plan
  const prepareMs = options.clock() - t0
  return {
    target: 'native',
    tile: plan.tile,
    isa: emit === 'asm' ? isa : `c${lanes}`,
    clustered: options.clusterRows ?? false,
    prepareMs,
    codeBytes: sources.reduce((s, f) => s + f.text.length, 0),
    cached,
    library,
    run(x, y) {
      if (x.length !== K * N)
        throw new TypeError(
          `Cannot run native kernel: X has ${x.length} values, expected ${K} x ${N}`,
        )
      if (y.length !== M * N)
        throw new TypeError(
          `Cannot run native kernel: Y has ${y.length} values, expected ${M} x ${N}`,
        )
      fn(x, y)
    },
    runAsync(x, y) {
      if (x.length !== K * N || y.length !== M * N)
        throw new TypeError(
          `Cannot run native kernel: X and Y must hold ${K} x ${N} and ${M} x ${N} values, got ${x.length} and ${y.length}`,
        )
      return new Promise((resolve, reject) => {
        fn.async(x, y, (err: unknown) => (err ? reject(err) : resolve()))
      })
    },
    dispose() {
      lib.unload()
    },
  }
}

/** The native target: generated C built by the system compiler. */
export const nativeTarget: KernelTarget = {
  name: 'native',
  defaultTile: { rowBlock: 4, colVectors: 2, kBlocks: 1 },
  vectorWidth: () => {
    const tc = nativeToolchain()
    return typeof tc === 'string' ? 0 : tc.lanes
  },
  available: () => nativeAvailable(),
  prepare: (w, options) => prepareNative(w, options),
}
