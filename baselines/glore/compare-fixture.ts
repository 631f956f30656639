/**
 * SR's MAC formula restated for the GloRe test (a baseline may not import the method): per
 * pixel three C -> C′ projections, squeeze, re-weight and the grouped projection back.
 */
export function srMacsForComparison(C: number, Cp: number, side: number): number {
  return side * side * (3 * C * Cp + 2 * Cp + C)
}
