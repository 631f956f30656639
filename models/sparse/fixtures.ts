/** Test fixtures shared by the kernel tests: seeded sparse matrices and the edge cases to cover. */
import { Rng } from '../../harness/run/rng.ts'
import { denseGemm } from './reference.ts'

/** A seeded M x K matrix at about `density`, unstructured or in aligned 1 x 4 blocks. */
export function randomSparse(
  rng: Rng,
  M: number,
  K: number,
  density: number,
  pattern: 'unstructured' | '1x4',
): Float32Array {
  const w = new Float32Array(M * K)
  const bw = pattern === '1x4' ? 4 : 1
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k += bw)
      if (rng.next() < density)
        for (let b = 0; b < bw && k + b < K; b++) w[i * K + k + b] = rng.normal()
  return w
}

export function randomDense(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = rng.normal()
  return x
}

/** max |a - ref| / max |ref|: the relative error the kernels are held to (≤ 1e-4). */
export function relativeError(a: Float32Array, ref: Float32Array): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (ref[i] as number)))
    scale = Math.max(scale, Math.abs(ref[i] as number))
  }
  return scale === 0 ? diff : diff / scale
}

/** A tile hint of the sparse-engine kernels (structurally its `Partial<Tile>`). */
export interface TileHint {
  rowBlock?: number
  colVectors?: number
  kBlocks?: number
}

export interface KernelCase {
  name: string
  M: number
  K: number
  N: number
  w: Float32Array
  x: Float32Array
  bias?: Float32Array
  relu: boolean
  tile: TileHint
  expected: Float32Array
}

/**
 * The edge cases every kernel must pass: random unstructured and 1x4 patterns, empty rows, a
 * fully dense row, N = 1, N not a multiple of the vector width, bias and ReLU on and off, and
 * several tiles (including K split into chunks).
 */
export function kernelCases(seed = 1): KernelCase[] {
  const rng = new Rng(seed)
  const cases: KernelCase[] = []
  const add = (
    name: string,
    M: number,
    K: number,
    N: number,
    w: Float32Array,
    bias: boolean,
    relu: boolean,
    tile: TileHint,
  ) => {
    const x = randomDense(rng, K * N)
    const b = bias ? randomDense(rng, M) : undefined
    const expected = new Float32Array(M * N)
    denseGemm(w, x, expected, { M, K, N }, b ? { bias: b, relu } : { relu })
    cases.push({ name, M, K, N, w, x, ...(b ? { bias: b } : {}), relu, tile, expected })
  }
  const tiles: TileHint[] = [
    { rowBlock: 1, colVectors: 1 },
    { rowBlock: 4, colVectors: 2 },
    { rowBlock: 2, colVectors: 3, kBlocks: 3 },
  ]
  for (const pattern of ['unstructured', '1x4'] as const)
    for (const N of [1, 7, 16, 37])
      tiles.forEach((tile, t) => {
        const w = randomSparse(rng, 13, 24, 0.3, pattern)
        add(
          `${pattern} 13x24 N=${N} tile=${JSON.stringify(tile)}`,
          13,
          24,
          N,
          w,
          (N + t) % 2 === 0,
          t !== 1,
          tile,
        )
      })
  // Empty rows (first, middle, last) and a fully dense row, with and without bias / ReLU.
  for (const [bias, relu] of [
    [true, true],
    [false, false],
    [true, false],
  ] as const) {
    const M = 9
    const K = 20
    const w = randomSparse(rng, M, K, 0.2, 'unstructured')
    for (const empty of [0, 4, 8]) w.fill(0, empty * K, (empty + 1) * K)
    for (let k = 0; k < K; k++) w[2 * K + k] = rng.normal()
    add(`empty rows + dense row bias=${bias} relu=${relu}`, M, K, 19, w, bias, relu, {
      rowBlock: 4,
      colVectors: 2,
      kBlocks: 2,
    })
  }
  add('all rows empty', 5, 8, 9, new Float32Array(40), true, true, {})
  return cases
}
