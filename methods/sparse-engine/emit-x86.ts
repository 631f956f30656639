/**
 * x86-64 AVX2 + FMA assembly emitter for the native target (GNU as, AT&T syntax, System V ABI).
 * Emitting assembly directly, as SparseDNN does, keeps compile time to the assembler's: C of the
 * same straight-line shape takes minutes in GCC for a 3072 x 768 layer.
 *
 *   registers   ymm0 .. ymm(AT·CT-1) accumulators, the next CT hold X vectors, ymm15 the weight
 *   per step    rax = byte offset of the column tile; loop over N in tiles of CT vectors:
 *                 init   vbroadcastss bias | vxorps | vmovups Y
 *                 per k  one term: vfmadd231ps with X as the memory operand
 *                        several: vmovups X (immediate offset) then one FMA per term and vector
 *                        weight: vbroadcastss .Lw+imm(%rip)
 *                 store  (vmaxps with 0) vmovups to Y at an immediate offset
 *               leftover vectors: one shorter pass; leftover columns: a scalar (ss) loop
 *   per unit    one global function `sparse_partU(X = rdi, Y = rsi)`; weights in its .rodata
 */
import type { KernelPlan, PlanStep } from './plan.ts'

const LANES = 8
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

function bits(v: number): string {
  f32[0] = v
  return `0x${(u32[0] as number).toString(16)}`
}

/** Whether a tile fits the 16 ymm registers: AT·CT accumulators, CT X vectors, one weight. */
export function x86TileFits(rowBlock: number, colVectors: number): boolean {
  return rowBlock * colVectors + colVectors + 1 <= 16
}

interface Ctx {
  out: string[]
  u: number
  N: number
  plan: KernelPlan
  labels: number
  prefetch: boolean
}

/** One pass over `width` vectors (`scalar`: one column with ss instructions) at rax. */
function emitPass(
  c: Ctx,
  step: PlanStep,
  s: number,
  w0: number,
  width: number,
  scalar: boolean,
): void {
  const { out, N } = c
  const ct = width
  const r = (i: number) => (scalar ? `%xmm${i}` : `%ymm${i}`)
  const acc = (slot: number, v: number) => r(slot * ct + v)
  const xr = (v: number) => r(step.rows.length * ct + v)
  const vb = scalar ? 32 : 32
  const off = (rowOrK: number, v: number) => rowOrK * N * 4 + v * vb
  const mov = scalar ? 'vmovss' : 'vmovups'
  const fma = scalar ? 'vfmadd231ss' : 'vfmadd231ps'
  const bcast = scalar ? 'vmovss' : 'vbroadcastss'
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      if (step.init === 'bias') out.push(`${bcast} .Lb${c.u}+${row * 4}(%rip), ${acc(slot, v)}`)
      else if (step.init === 'zero')
        out.push(`vxorps ${acc(slot, v)}, ${acc(slot, v)}, ${acc(slot, v)}`)
      else out.push(`${mov} ${off(row, v)}(%rsi,%rax), ${acc(slot, v)}`)
    }
  })
  let wi = w0
  for (const col of step.columns) {
    const shared = col.terms.length > 1
    if (shared)
      for (let v = 0; v < width; v++) out.push(`${mov} ${off(col.k, v)}(%rdi,%rax), ${xr(v)}`)
    for (const t of col.terms) {
      out.push(`${bcast} .Lw${c.u}+${wi * 4}(%rip), ${r(15)}`)
      wi++
      for (let v = 0; v < width; v++) {
        const src = shared ? xr(v) : `${off(col.k, v)}(%rdi,%rax)`
        out.push(`${fma} ${src}, ${r(15)}, ${acc(t.slot, v)}`)
      }
    }
  }
  if (step.relu) out.push(`vxorps ${r(15)}, ${r(15)}, ${r(15)}`)
  step.rows.forEach((row, slot) => {
    for (let v = 0; v < width; v++) {
      if (step.relu)
        out.push(`${scalar ? 'vmaxss' : 'vmaxps'} ${r(15)}, ${acc(slot, v)}, ${acc(slot, v)}`)
      out.push(`${mov} ${acc(slot, v)}, ${off(row, v)}(%rsi,%rax)`)
    }
  })
  void s
}

/** Rough machine-code bytes of a step's loop body (VEX instructions with 32-bit displacements). */
function stepCodeBytes(step: PlanStep, width: number): number {
  let b = 2 * step.rows.length * width * 10 + 20
  for (const col of step.columns)
    b += (col.terms.length > 1 ? width * 10 : 0) + col.terms.length * (9 + width * 10)
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
  out.push(`.Ls${c.u}_${s}:`)
  // Generated code is executed once per run and is far larger than L1i/L2; instruction fetch
  // from L3 or memory has no useful prefetcher, so the code of a step two ahead is pulled into L2.
  if (ahead !== undefined && c.prefetch) {
    const lines = Math.ceil(stepCodeBytes(ahead, c.plan.tile.colVectors) / 64) + 1
    for (let i = 0; i < lines; i++) out.push(`prefetcht1 .Ls${c.u}_${aheadIndex}+${i * 64}(%rip)`)
  }
  const vectors = Math.floor(N / LANES)
  const ct = Math.min(c.plan.tile.colVectors, Math.max(1, vectors))
  const full = Math.floor(vectors / ct)
  const rest = vectors - full * ct
  if (full > 0) {
    const l = `.L${c.u}_${c.labels++}`
    out.push('xorl %eax, %eax', '.p2align 4', `${l}:`)
    emitPass(c, step, s, w0, ct, false)
    out.push(`addq $${ct * 32}, %rax`, `cmpq $${full * ct * 32}, %rax`, `jb ${l}`)
  }
  if (rest > 0) {
    out.push(`movl $${full * ct * 32}, %eax`)
    emitPass(c, step, s, w0, rest, false)
  }
  if (vectors * LANES < N) {
    const l = `.L${c.u}_${c.labels++}`
    out.push(`movl $${vectors * 32}, %eax`, `${l}:`)
    emitPass(c, step, s, w0, 1, true)
    out.push('addq $4, %rax', `cmpq $${N * 4}, %rax`, `jb ${l}`)
  }
}

/** Assembly of one unit: the steps `steps` of the plan as function `sparse_part<u>`. */
export function emitX86Unit(
  plan: KernelPlan,
  u: number,
  steps: readonly PlanStep[],
  prefetch = true,
): string {
  const c: Ctx = { out: [], u, N: plan.N, plan, labels: 0, prefetch }
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
      const lines = Math.ceil(stepCodeBytes(steps[1], plan.tile.colVectors) / 64) + 1
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
