/**
 * WebAssembly SIMD128 code generator: one module per weight matrix, emitted as bytes and compiled
 * in-process at prepare time.
 *
 *   plan (plan.ts)       W -> steps of (row block, K chunk), distinct k per step, empty rows apart
 *   pack constants       weights in emission order, bias, then X (K x Np) and Y (M x Np) in one
 *                        memory, Np = N rounded up to 4 lanes; empty rows of Y are filled once here
 *   emit step functions  per step: a loop over N in tiles of `colVectors` f32x4 vectors, inside it
 *                        straight-line code: init accumulators (bias splat | zero | Y), per k load
 *                        the X vectors at an immediate offset, per nonzero splat the weight from
 *                        its immediate offset and multiply-add into the block's accumulators,
 *                        then ReLU (pmax with 0) and store; a shorter tail pass covers the
 *                        vectors left over; steps are grouped into functions by a code budget
 *   encode + compile     module bytes -> WebAssembly.Module -> instance; `run` copies X in, calls
 *                        the exported `run`, copies Y out
 */
import { setFlagsFromString } from 'node:v8'
import { type KernelPlan, type PlanStep, planKernel, resolveTile, stepTerms } from './plan.ts'
import type { KernelTarget, PreparedKernel, PrepareOptions, Tile } from './types.ts'
import {
  CodeWriter,
  encodeModule,
  relaxedSimdSupported,
  ValType,
  type WasmApi,
  type WasmFunction,
  wasmApi,
} from './wasm-emitter.ts'

const LANES = 4
const VEC_BYTES = 16
/** Weight terms per emitted function (times the column tile); bounds compile time per function. */
const TERMS_PER_FUNCTION = 3000

export interface WasmCodegenOptions {
  /** Use relaxed-SIMD madd when the engine has it. @default true */
  relaxed?: boolean
  /**
   * 'optimized': compile straight to V8's optimizing tier (Liftoff off during this compile only),
   * so the first runs are already fast and the compile cost lands in prepareMs; 'default': the
   * engine's tiering (baseline first, optimized after enough calls). @default 'optimized'
   */
  tier?: 'optimized' | 'default'
}

/**
 * Compiles eagerly with the optimizing tier: V8's baseline compiler and lazy compilation are
 * switched off for this one synchronous compile, then set back to V8's defaults.
 */
function compileOptimized(api: WasmApi, bytes: Uint8Array): object {
  setFlagsFromString('--no-liftoff')
  setFlagsFromString('--no-wasm-lazy-compilation')
  try {
    return new api.Module(bytes)
  } finally {
    setFlagsFromString('--liftoff')
    setFlagsFromString('--wasm-lazy-compilation')
  }
}

interface Layout {
  np: number
  weightOffsets: number[]
  biasOff: number
  xOff: number
  yOff: number
  bytes: number
}

/** Byte layout of the module's memory and the packed weights of every step. */
function layout(plan: KernelPlan): { lay: Layout; constants: Float32Array } {
  const np = Math.ceil(plan.N / LANES) * LANES
  const weightOffsets: number[] = []
  let words = 0
  for (const step of plan.steps) {
    weightOffsets.push(words * 4)
    words += stepTerms(step)
  }
  const align = (b: number) => Math.ceil(b / 64) * 64
  const biasOff = align(words * 4)
  const xOff = align(biasOff + plan.M * 4)
  const yOff = align(xOff + plan.K * np * 4)
  const bytes = yOff + plan.M * np * 4
  const constants = new Float32Array(biasOff / 4 + plan.M)
  let p = 0
  for (const step of plan.steps)
    for (const col of step.columns) for (const t of col.terms) constants[p++] = t.weight
  if (plan.bias) constants.set(plan.bias, biasOff / 4)
  return { lay: { np, weightOffsets, biasOff, xOff, yOff, bytes }, constants }
}

/** Local indices: 0 = column byte offset n, 1 = zero vector, 2 = weight, then X vectors and accumulators. */
const L_N = 0
const L_ZERO = 1
const L_W = 2

function emitTile(
  c: CodeWriter,
  step: PlanStep,
  lay: Layout,
  wOff: number,
  width: number,
  maxWidth: number,
  madd: boolean,
): void {
  const rowBytes = lay.np * 4
  const xLocal = (v: number) => 3 + v
  const acc = (slot: number, v: number) => 3 + maxWidth + slot * maxWidth + v
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      if (step.init === 'bias') c.i32Const(0).v128Load32Splat(lay.biasOff + row * 4)
      else if (step.init === 'zero') c.localGet(L_ZERO)
      else c.localGet(L_N).v128Load(lay.yOff + row * rowBytes + v * VEC_BYTES)
      c.localSet(acc(slot, v))
    }
  })
  let wi = 0
  for (const col of step.columns) {
    for (let v = 0; v < width; v++)
      c.localGet(L_N)
        .v128Load(lay.xOff + col.k * rowBytes + v * VEC_BYTES)
        .localSet(xLocal(v))
    for (const t of col.terms) {
      c.i32Const(0)
        .v128Load32Splat(wOff + wi * 4)
        .localSet(L_W)
      wi++
      for (let v = 0; v < width; v++) {
        if (madd) c.localGet(xLocal(v)).localGet(L_W).localGet(acc(t.slot, v)).f32x4RelaxedMadd()
        else c.localGet(acc(t.slot, v)).localGet(xLocal(v)).localGet(L_W).f32x4Mul().f32x4Add()
        c.localSet(acc(t.slot, v))
      }
    }
  }
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      c.localGet(L_N)
      if (step.relu) c.localGet(L_ZERO).localGet(acc(slot, v)).f32x4Pmax()
      else c.localGet(acc(slot, v))
      c.v128Store(lay.yOff + row * rowBytes + v * VEC_BYTES)
    }
  })
}

/** Code of one step: the N loop over full column tiles, then the leftover vectors once. */
function emitStep(
  c: CodeWriter,
  step: PlanStep,
  lay: Layout,
  wOff: number,
  tile: Tile,
  madd: boolean,
): void {
  const vectors = lay.np / LANES
  const ct = Math.min(tile.colVectors, vectors)
  const full = Math.floor(vectors / ct)
  const rest = vectors - full * ct
  c.i32Const(0).localSet(L_N)
  if (full > 0) {
    c.loop()
    emitTile(c, step, lay, wOff, ct, ct, madd)
    c.localGet(L_N)
      .i32Const(ct * VEC_BYTES)
      .i32Add()
      .localTee(L_N)
    c.i32Const(full * ct * VEC_BYTES)
      .i32LtU()
      .brIf(0)
      .end()
  }
  if (rest > 0) emitTile(c, step, lay, wOff, rest, ct, madd)
}

/** Emits the module of a plan. */
export function emitWasmModule(
  plan: KernelPlan,
  options: WasmCodegenOptions = {},
): { bytes: Uint8Array; constants: Float32Array; lay: Layout } {
  const { lay, constants } = layout(plan)
  const madd = (options.relaxed ?? true) && relaxedSimdSupported()
  const ct = Math.min(plan.tile.colVectors, lay.np / LANES)
  const locals: Array<[number, number]> = [
    [1, ValType.i32],
    [2 + ct + plan.tile.rowBlock * ct, ValType.v128],
  ]
  const functions: WasmFunction[] = []
  let body = new CodeWriter()
  let budget = 0
  const flush = () => {
    if (body.length === 0) return
    functions.push({ locals, body: body.end() })
    body = new CodeWriter()
    budget = 0
  }
  plan.steps.forEach((step, s) => {
    emitStep(body, step, lay, lay.weightOffsets[s] as number, plan.tile, madd)
    budget += Math.max(1, stepTerms(step)) * ct
    if (budget >= TERMS_PER_FUNCTION * 4) flush()
  })
  flush()
  const run = new CodeWriter()
  for (let f = 0; f < functions.length; f++) run.call(f)
  functions.push({ locals: [], body: run.end() })
  const pages = Math.ceil(lay.bytes / 65536) + 1
  return { bytes: encodeModule(functions, pages, [['run', functions.length - 1]]), constants, lay }
}

/** Prepares a generated wasm kernel for W. */
export function prepareWasm(
  w: Float32Array,
  options: PrepareOptions,
  codegen: WasmCodegenOptions = {},
): PreparedKernel {
  const t0 = options.clock()
  if (options.accumulate)
    throw new RangeError(
      'Cannot prepare wasm kernel: accumulate (residual epilogue) is native only',
    )
  const tile = resolveTile(wasmTarget.defaultTile, options.tile)
  const plan = planKernel(w, options, tile)
  const { bytes, constants, lay } = emitWasmModule(plan, codegen)
  if (wasmApi === undefined)
    throw new Error('Cannot prepare wasm kernel: no WebAssembly in this engine')
  const module =
    (codegen.tier ?? 'optimized') === 'optimized'
      ? compileOptimized(wasmApi, bytes)
      : new wasmApi.Module(bytes)
  const instance = new wasmApi.Instance(module, {})
  const memory = instance.exports['mem'] as { buffer: ArrayBuffer }
  const runExport = instance.exports['run'] as () => void
  const mem = new Float32Array(memory.buffer)
  mem.set(constants)
  const { M, K, N } = plan
  const np = lay.np
  const xBase = lay.xOff / 4
  const yBase = lay.yOff / 4
  for (const row of plan.emptyRows) {
    const b = plan.bias?.[row] ?? 0
    mem.fill(plan.relu ? Math.max(0, b) : b, yBase + row * np, yBase + (row + 1) * np)
  }
  const prepareMs = options.clock() - t0
  return {
    target: 'wasm',
    tile: plan.tile,
    prepareMs,
    codeBytes: bytes.length,
    run(x, y) {
      if (x.length !== K * N)
        throw new TypeError(
          `Cannot run wasm kernel: X has ${x.length} values, expected ${K} x ${N}`,
        )
      if (y.length !== M * N)
        throw new TypeError(
          `Cannot run wasm kernel: Y has ${y.length} values, expected ${M} x ${N}`,
        )
      if (np === N) mem.set(x, xBase)
      else for (let k = 0; k < K; k++) mem.set(x.subarray(k * N, (k + 1) * N), xBase + k * np)
      runExport()
      if (np === N) y.set(mem.subarray(yBase, yBase + M * N))
      else
        for (let i = 0; i < M; i++) y.set(mem.subarray(yBase + i * np, yBase + i * np + N), i * N)
    },
    dispose() {},
  }
}

/** The WebAssembly SIMD128 target: needs nothing but the JS engine. */
export const wasmTarget: KernelTarget = {
  name: 'wasm',
  defaultTile: { rowBlock: 2, colVectors: 4, kBlocks: 1 },
  vectorWidth: () => LANES,
  available: () =>
    wasmApi !== undefined
      ? { ok: true }
      : { ok: false, reason: 'no WebAssembly in this JavaScript engine' },
  prepare: async (w, options) => prepareWasm(w, options),
}
