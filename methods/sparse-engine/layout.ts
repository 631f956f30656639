/** Row-major transpose of a rows x cols matrix into `out` (allocated when not given). */
export function transposeMatrix(
  a: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array = new Float32Array(rows * cols),
): Float32Array {
  if (a.length < rows * cols || out.length < rows * cols)
    throw new RangeError(
      `Cannot transpose: ${rows} x ${cols} needs ${rows * cols} values, got ${a.length} in, ${out.length} out`,
    )
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j] as number
  return out
}
