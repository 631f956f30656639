/**
 * x86-64 assembly emitter for the native target (GNU as, AT&T syntax, System V ABI), in two ISAs:
 * AVX2 + FMA (16 ymm registers, 8 lanes) and AVX-512F (32 zmm registers, 16 lanes). Emitting
 * assembly directly, as SparseDNN does, keeps compile time to the assembler's: C of the same
 * straight-line shape takes minutes in GCC for a 3072 x 768 layer.
 *
 *   registers   v0 .. v(AT·CT-1) accumulators, the next CT hold X vectors, the last one
 *               (ymm15 | zmm31) the broadcast weight or the ReLU zero
 *   per step    rax = byte offset of the column tile; loop over N in tiles of CT vectors:
 *                 init   broadcast bias | zero | load Y | load Y + bias (`residual`)
 *                 per k  one term: broadcast the weight, FMA with X as the memory operand
 *                        several: load X once (immediate offset), then per term and vector one
 *                        FMA (AVX-512: the weight broadcast from memory inside the FMA, {1to16})
 *                 weight addresses are short displacements from rcx, re-based by a `lea` every
 *                 few dozen terms (rip-relative weights cost 3-6 more bytes per instruction)
 *                 store  (max with 0) to Y at an immediate offset
 *               leftover vectors: one shorter pass; leftover columns: a scalar (ss) loop
 *   per unit    one global function `sparse_partU(X = rdi, Y = rsi)`; weights in its .rodata
 */
import type { KernelPlan, PlanStep } from './plan.ts'

/** Instruction set of the emitted code. */
export const X86Isa = { avx2: 'avx2', avx512: 'avx512' } as const
export type X86Isa = keyof typeof X86Isa

/** f32 lanes of a vector register of the ISA. */
export function isaLanes(isa: X86Isa): number {
  return isa === 'avx512' ? 16 : 8
}

/** Vector registers of the ISA. */
function isaRegisters(isa: X86Isa): number {
  return isa === 'avx512' ? 32 : 16
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

function bits(v: number): string {
  f32[0] = v
  return `0x${(u32[0] as number).toString(16)}`
}

/** Whether a tile fits the register file: AT·CT accumulators, CT X vectors, one weight. */
export function x86TileFits(rowBlock: number, colVectors: number, isa: X86Isa = 'avx2'): boolean {
  return rowBlock * colVectors + colVectors + 1 <= isaRegisters(isa)
}

interface Ctx {
  out: string[]
  u: number
  N: number
  plan: KernelPlan
  labels: number
  prefetch: boolean
  isa: X86Isa
}

type Mode = 'vector' | 'scalar'

/** Weight displacement from rcx: disp8 range in bytes (EVEX scales it by 4 for a float). */
function dispRange(c: Ctx, mode: Mode): number {
  return c.isa === 'avx512' && mode === 'vector' ? 508 : 124
}

/** One pass over `width` vectors (`scalar`: one column with ss instructions) at rax. */
function emitPass(c: Ctx, step: PlanStep, w0: number, width: number, mode: Mode): void {
  const { out, N } = c
  const scalar = mode === 'scalar'
  const wide = c.isa === 'avx512' && !scalar
  const vb = c.isa === 'avx512' ? 64 : 32
  const r = (i: number) => (scalar ? `%xmm${i}` : wide ? `%zmm${i}` : `%ymm${i}`)
  const acc = (slot: number, v: number) => r(slot * width + v)
  const xr = (v: number) => r(step.rows.length * width + v)
  const tmp = r(isaRegisters(c.isa) - 1)
  const off = (rowOrK: number, v: number) => rowOrK * N * 4 + v * vb
  const mov = scalar ? 'vmovss' : 'vmovups'
  const fma = scalar ? 'vfmadd231ss' : 'vfmadd231ps'
  const bcast = scalar ? 'vmovss' : 'vbroadcastss'
  const range = dispRange(c, mode)
  // rcx points `range` bytes past the first weight in reach, so displacements run -range..range.
  let base = 0
  const rebase = (wi: number) => {
    base = wi * 4 + range
    out.push(`leaq .Lw${c.u}+${base}(%rip), %rcx`)
  }
  const wAddr = (wi: number) => {
    if (wi * 4 - base > range || wi * 4 - base < -range - 4) rebase(wi)
    return `${wi * 4 - base}(%rcx)`
  }
  rebase(w0)
  // AVX-512 vector passes address X from r8 = X + column tile + xBase: EVEX scales an 8-bit
  // displacement by the 64-byte vector, so X rows within ±8 KB of xBase take 3 bytes less per
  // instruction; r8 moves (an absolute lea, so every pass of the N loop agrees) as k grows.
  const xWindow = wide ? 8192 : 0
  let xBase = 0
  const xAddr = (k: number, v: number) => {
    const o = off(k, v)
    if (!wide) return `${o}(%rdi,%rax)`
    if (o - xBase > xWindow - 64 || o - xBase < -xWindow) {
      xBase = o + xWindow - 64 * width
      out.push(`leaq ${xBase}(%rdi,%rax), %r8`)
    }
    return `${o - xBase}(%r8)`
  }
  if (wide) {
    xBase = (step.columns[0] ? off(step.columns[0].k, 0) : 0) + xWindow - 64 * width
    out.push(`leaq ${xBase}(%rdi,%rax), %r8`)
  }
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      const a = acc(slot, v)
      if (step.init === 'bias') out.push(`${bcast} .Lb${c.u}+${row * 4}(%rip), ${a}`)
      else if (step.init === 'zero') out.push(`vxorps ${a}, ${a}, ${a}`)
      else {
        out.push(`${mov} ${off(row, v)}(%rsi,%rax), ${a}`)
        if (step.init === 'residual') {
          const b = `.Lb${c.u}+${row * 4}(%rip)`
          if (scalar) out.push(`vaddss ${b}, ${a}, ${a}`)
          else if (wide) out.push(`vaddps ${b}{1to16}, ${a}, ${a}`)
          else out.push(`vbroadcastss ${b}, ${tmp}`, `vaddps ${tmp}, ${a}, ${a}`)
        }
      }
    }
  })
  let wi = w0
  for (const col of step.columns) {
    const shared = col.terms.length > 1
    if (shared) for (let v = 0; v < width; v++) out.push(`${mov} ${xAddr(col.k, v)}, ${xr(v)}`)
    for (const t of col.terms) {
      const w = wAddr(wi)
      wi++
      if (shared && wide) {
        for (let v = 0; v < width; v++) out.push(`${fma} ${w}{1to16}, ${xr(v)}, ${acc(t.slot, v)}`)
        continue
      }
      out.push(`${bcast} ${w}, ${tmp}`)
      for (let v = 0; v < width; v++) {
        const src = shared ? xr(v) : xAddr(col.k, v)
        out.push(`${fma} ${src}, ${tmp}, ${acc(t.slot, v)}`)
      }
    }
  }
  if (step.relu) out.push(`vxorps ${tmp}, ${tmp}, ${tmp}`)
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      if (step.relu)
        out.push(`${scalar ? 'vmaxss' : 'vmaxps'} ${tmp}, ${acc(slot, v)}, ${acc(slot, v)}`)
      out.push(`${mov} ${acc(slot, v)}, ${off(row, v)}(%rsi,%rax)`)
    }
  })
}

/** Rough machine-code bytes of a step's loop body (32-bit displacements for X and Y). */
function stepCodeBytes(step: PlanStep, width: number, isa: X86Isa): number {
  // AVX-512 instructions here take 7 bytes (disp8 from rcx / r8); AVX2 ones up to 10 (disp32).
  const x = isa === 'avx512' ? 7 : 10
  let b = 2 * step.rows.length * width * 10 + 20
  for (const col of step.columns)
    b += (col.terms.length > 1 ? width * x : 0) + col.terms.length * (7 + width * x)
  return b
}

function emitStep(
  c: Ctx,
  step: PlanStep,
  s: number,
  w0: number,
  ahead: PlanStep | undefined,
  aheadIndex: number,
): void {
  const { out, N } = c
  const lanes = isaLanes(c.isa)
  const vb = lanes * 4
  out.push(`.Ls${c.u}_${s}:`)
  // Generated code is executed once per run and is far larger than L1i/L2; instruction fetch
  // from L3 or memory has no useful prefetcher, so the code of a step two ahead is pulled into L2.
  if (ahead !== undefined && c.prefetch) {
    const lines = Math.ceil(stepCodeBytes(ahead, c.plan.tile.colVectors, c.isa) / 64) + 1
    for (let i = 0; i < lines; i++) out.push(`prefetcht1 .Ls${c.u}_${aheadIndex}+${i * 64}(%rip)`)
  }
  const vectors = Math.floor(N / lanes)
  const ct = Math.min(c.plan.tile.colVectors, Math.max(1, vectors))
  const full = Math.floor(vectors / ct)
  const rest = vectors - full * ct
  if (full > 0) {
    const l = `.L${c.u}_${c.labels++}`
    out.push('xorl %eax, %eax', '.p2align 4', `${l}:`)
    emitPass(c, step, w0, ct, 'vector')
    out.push(`addq $${ct * vb}, %rax`, `cmpq $${full * ct * vb}, %rax`, `jb ${l}`)
  }
  if (rest > 0) {
    out.push(`movl $${full * ct * vb}, %eax`)
    emitPass(c, step, w0, rest, 'vector')
  }
  if (vectors * lanes < N) {
    const l = `.L${c.u}_${c.labels++}`
    out.push(`movl $${vectors * vb}, %eax`, `${l}:`)
    emitPass(c, step, w0, 1, 'scalar')
    out.push('addq $4, %rax', `cmpq $${N * 4}, %rax`, `jb ${l}`)
  }
}

/** Assembly of one unit: the steps `steps` of the plan as function `sparse_part<u>`. */
export function emitX86Unit(
  plan: KernelPlan,
  u: number,
  steps: readonly PlanStep[],
  prefetch = true,
  isa: X86Isa = 'avx2',
): string {
  if (!x86TileFits(plan.tile.rowBlock, plan.tile.colVectors, isa))
    throw new RangeError(
      `Cannot emit ${isa}: tile ${plan.tile.rowBlock} x ${plan.tile.colVectors} needs more than ${isaRegisters(isa)} vector registers`,
    )
  const c: Ctx = { out: [], u, N: plan.N, plan, labels: 0, prefetch, isa }
  const weights: number[] = []
  const name = `sparse_part${u}`
  c.out.push(
    '.text',
    `.globl ${name}`,
    `.hidden ${name}`,
    `.type ${name}, @function`,
    '.p2align 5',
    `${name}:`,
  )
  steps.forEach((step, i) => {
    if (i === 0 && steps[1] !== undefined && prefetch) {
      const lines = Math.ceil(stepCodeBytes(steps[1], plan.tile.colVectors, isa) / 64) + 1
      for (let l = 0; l < lines; l++) c.out.push(`prefetcht1 .Ls${u}_1+${l * 64}(%rip)`)
    }
    emitStep(c, step, i, weights.length, steps[i + 2], i + 2)
    for (const col of step.columns) for (const t of col.terms) weights.push(t.weight)
  })
  c.out.push('vzeroupper', 'ret', `.size ${name}, .-${name}`)
  c.out.push('.section .rodata', '.p2align 6', `.Lw${u}:`)
  for (let i = 0; i < weights.length; i += 16)
    c.out.push(
      `.long ${weights
        .slice(i, i + 16)
        .map(bits)
        .join(',')}`,
    )
  if (weights.length === 0) c.out.push('.long 0')
  c.out.push('.p2align 6', `.Lb${u}:`)
  const bias = plan.bias ?? new Float32Array(0)
  for (let i = 0; i < bias.length; i += 16)
    c.out.push(`.long ${Array.from(bias.subarray(i, i + 16), bits).join(',')}`)
  if (bias.length === 0) c.out.push('.long 0')
  c.out.push('.section .note.GNU-stack,"",@progbits', '')
  return c.out.join('\n')
}
