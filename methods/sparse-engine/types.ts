/** Shared types of the sparse engine's kernels: tiles, prepare options and prepared kernels. */

/** Monotonic clock in milliseconds (injected; tests may fake it). */
export type Clock = () => number

/** How a kernel is blocked. */
export interface Tile {
  /** Output rows that share each loaded activation vector (register blocking, "AT"). */
  rowBlock: number
  /** SIMD vectors of N per column tile ("CT"); the N loop steps by `colVectors` vectors. */
  colVectors: number
  /** Chunks K is split into; partial sums go through Y between chunks (cache blocking). */
  kBlocks: number
}

/** Options of `prepare()`: the shape of Y = W·X (+bias, ReLU) and how to generate the kernel. */
export interface PrepareOptions {
  /** Rows of W and Y. */
  M: number
  /** Columns of W, rows of X. */
  K: number
  /** Columns of X and Y. */
  N: number
  /** One value per output row, added before the ReLU. */
  bias?: Float32Array
  /** Apply max(0, ·) to the output. @default false */
  relu?: boolean
  /** @default the target's `defaultTile` */
  tile?: Partial<Tile>
  /** Order rows by nonzero count before blocking so rows of a block do similar work. @default true */
  reorderRows?: boolean
  /**
   * Group rows into register blocks greedily by shared nonzero columns (after the count order),
   * so one loaded X vector serves more rows of a block. @default false
   */
  clusterRows?: boolean
  /** Native x86 only: instruction set of the generated code. @default the best the CPU has */
  isa?: 'avx2' | 'avx512'
  /** Y holds a residual on entry: Y = Y + W·X (+bias, ReLU), the fused residual epilogue. @default false */
  accumulate?: boolean
  /** Times prepare (generation + compile). */
  clock: Clock
}

/** A kernel specialised to one weight matrix; `run(X, Y)` computes Y = W·X (+bias, ReLU). */
export interface PreparedKernel {
  target: TargetName
  tile: Tile
  /** Instruction set of the generated code where the target has several (native: avx2, avx512, c8). */
  isa?: string
  /** Rows grouped by shared columns (`clusterRows`). */
  clustered?: boolean
  /** Generation + compile (+ load) time, by the injected clock. */
  prepareMs: number
  /** Size of the generated code (wasm bytes or C source bytes). */
  codeBytes: number
  /** X: K x N row-major; Y: M x N row-major, fully overwritten. */
  run(x: Float32Array, y: Float32Array): void
  /** The same call on one of koffi's worker threads (native kernels only). */
  runAsync?(x: Float32Array, y: Float32Array): Promise<void>
  /** Releases what the kernel holds (a loaded library); the kernel must not run afterwards. */
  dispose(): void
}

export const TargetName = { wasm: 'wasm', native: 'native' } as const
export type TargetName = keyof typeof TargetName

/** Whether a target can run here, and why not. */
export type Availability = { ok: true } | { ok: false; reason: string }

/** One code-generation target behind the common interface. */
export interface KernelTarget {
  name: TargetName
  defaultTile: Tile
  /** SIMD width in f32 lanes the generated code uses. */
  vectorWidth(): number
  available(): Availability
  prepare(w: Float32Array, options: PrepareOptions): Promise<PreparedKernel>
}
