/** Sparse storage formats built from a dense row-major matrix: CSR and block-CSR (1 x b). */

/** Compressed sparse rows: row i holds values[rowPtr[i] .. rowPtr[i+1]) at columns colIdx. */
export interface Csr {
  rows: number
  cols: number
  rowPtr: Int32Array
  colIdx: Int32Array
  values: Float32Array
  nnz: number
}

/** Block-CSR with 1 x `blockCols` blocks: block j of row i covers columns blockCol[j] .. +blockCols. */
export interface BlockCsr {
  rows: number
  cols: number
  blockCols: number
  rowPtr: Int32Array
  /** First column of each block (a multiple of blockCols). */
  blockCol: Int32Array
  /** blockCols values per block, zeros included. */
  values: Float32Array
  blocks: number
}

function checkDense(dense: Float32Array, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
    throw new RangeError(`Cannot build sparse format: shape ${rows} x ${cols} is not valid`)
  if (dense.length !== rows * cols)
    throw new TypeError(
      `Cannot build sparse format: ${dense.length} values do not fill ${rows} x ${cols}`,
    )
}

/** CSR of the nonzeros of a dense row-major rows x cols matrix. */
export function toCsr(dense: Float32Array, rows: number, cols: number): Csr {
  checkDense(dense, rows, cols)
  let nnz = 0
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) nnz++
  const rowPtr = new Int32Array(rows + 1)
  const colIdx = new Int32Array(nnz)
  const values = new Float32Array(nnz)
  let p = 0
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) {
      const v = dense[i * cols + k] as number
      if (v !== 0) {
        colIdx[p] = k
        values[p] = v
        p++
      }
    }
    rowPtr[i + 1] = p
  }
  return { rows, cols, rowPtr, colIdx, values, nnz }
}

/** Block-CSR with aligned 1 x blockCols blocks; a block is stored when any of its values is nonzero. */
export function toBlockCsr(
  dense: Float32Array,
  rows: number,
  cols: number,
  blockCols = 4,
): BlockCsr {
  checkDense(dense, rows, cols)
  if (!Number.isInteger(blockCols) || blockCols < 1 || cols % blockCols !== 0)
    throw new RangeError(
      `Cannot build block-CSR: cols ${cols} is not a multiple of blockCols ${blockCols}`,
    )
  const rowPtr = new Int32Array(rows + 1)
  const starts: number[] = []
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k += blockCols) {
      let any = false
      for (let b = 0; b < blockCols; b++) if (dense[i * cols + k + b] !== 0) any = true
      if (any) starts.push(i * cols + k)
    }
    rowPtr[i + 1] = starts.length
  }
  const blockCol = new Int32Array(starts.length)
  const values = new Float32Array(starts.length * blockCols)
  starts.forEach((start, j) => {
    blockCol[j] = start % cols
    values.set(dense.subarray(start, start + blockCols), j * blockCols)
  })
  return { rows, cols, blockCols, rowPtr, blockCol, values, blocks: starts.length }
}

/** The dense row-major matrix a CSR stands for. */
export function csrToDense(csr: Csr): Float32Array {
  const out = new Float32Array(csr.rows * csr.cols)
  for (let i = 0; i < csr.rows; i++)
    for (let p = csr.rowPtr[i] as number; p < (csr.rowPtr[i + 1] as number); p++)
      out[i * csr.cols + (csr.colIdx[p] as number)] = csr.values[p] as number
  return out
}
