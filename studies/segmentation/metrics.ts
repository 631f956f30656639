/** Segmentation scores from a confusion matrix: mean IoU over classes and pixel accuracy. */

/** counts[t·K + p]: pixels of true class t predicted as p. */
export function confusion(truth: Int32Array, predicted: Int32Array, classes: number): Float64Array {
  if (truth.length !== predicted.length)
    throw new TypeError(`Cannot score: ${truth.length} labels but ${predicted.length} predictions`)
  const counts = new Float64Array(classes * classes)
  for (let i = 0; i < truth.length; i++)
    counts[(truth[i] as number) * classes + (predicted[i] as number)] =
      (counts[(truth[i] as number) * classes + (predicted[i] as number)] as number) + 1
  return counts
}

/** Mean over classes of TP / (TP + FP + FN); classes absent from both truth and prediction are skipped. */
export function meanIou(counts: Float64Array, classes: number): number {
  let sum = 0
  let present = 0
  for (let c = 0; c < classes; c++) {
    const tp = counts[c * classes + c] as number
    let row = 0
    let col = 0
    for (let k = 0; k < classes; k++) {
      row += counts[c * classes + k] as number
      col += counts[k * classes + c] as number
    }
    const union = row + col - tp
    if (union > 0) {
      sum += tp / union
      present++
    }
  }
  return present === 0 ? 0 : sum / present
}

export function pixelAccuracy(counts: Float64Array, classes: number): number {
  let tp = 0
  let all = 0
  for (let c = 0; c < classes; c++) tp += counts[c * classes + c] as number
  for (const v of counts) all += v
  return all === 0 ? 0 : tp / all
}
