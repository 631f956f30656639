/**
 * Analytic cost of a network, computed from its architecture (never from tfjs).
 *
 * A network is described as a list of layer costs. Only inner products count as FLOPs: a layer
 * computes `outputs` values, each an inner product of length `fanIn`. Biases, activations,
 * pooling, normalisation, softmax and residual adds are not counted.
 *
 * - `macs` (default): 2·fanIn FLOPs per output (one multiply and one add per MAC).
 * - `pam`: (2·fanIn − 1) FLOPs per output (fanIn multiplies and fanIn − 1 adds), the convention
 *   of Pruning-Aware Merging's `get_CR`: for a conv, fanIn = k·k·C_in and outputs = H·W·C_out.
 */

/** FLOP conventions, see the module comment. */
export const FlopConvention = { macs: 'macs', pam: 'pam' } as const
export type FlopConvention = keyof typeof FlopConvention

export type LayerKind =
  | 'dense'
  | 'conv'
  | 'pool'
  | 'flatten'
  | 'embedding'
  | 'norm'
  | 'attention'
  | 'matmul'

/** One layer of an architecture, as the cost counters see it. */
export interface LayerCost {
  name: string
  kind: LayerKind
  /** Trainable and non-trainable parameters of the layer. */
  params: number
  /** Length of each output's inner product; 0 where the layer multiplies nothing. */
  fanIn: number
  /** Values computed by inner products (per example); 0 where the layer multiplies nothing. */
  outputs: number
  /** Output shape per example, for reading (e.g. [14, 14, 6]). */
  shape: number[]
}

/** FLOPs of one layer under a convention. */
export function layerFlops(layer: LayerCost, convention: FlopConvention = 'macs'): number {
  if (layer.fanIn === 0 || layer.outputs === 0) return 0
  const perOutput = convention === 'pam' ? 2 * layer.fanIn - 1 : 2 * layer.fanIn
  return perOutput * layer.outputs
}

/** FLOPs of a whole architecture per example. */
export function sumFlops(
  layers: readonly LayerCost[],
  convention: FlopConvention = 'macs',
): number {
  let total = 0
  for (const l of layers) total += layerFlops(l, convention)
  return total
}

/** Parameters of a whole architecture. */
export function sumParams(layers: readonly LayerCost[]): number {
  let total = 0
  for (const l of layers) total += l.params
  return total
}

/** Cost of a dense layer `fanIn -> units` applied at `positions` places (tokens). */
export function denseCost(name: string, fanIn: number, units: number, positions = 1): LayerCost {
  const shape = positions === 1 ? [units] : [positions, units]
  return {
    name,
    kind: 'dense',
    params: fanIn * units + units,
    fanIn,
    outputs: positions * units,
    shape,
  }
}

/** Output size of a conv or pool along one axis, tfjs/Keras rules. */
export function outSize(size: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1
}

export type Padding = 'same' | 'valid'

/** Cost of a 2-D convolution (stride 1) on an [h, w, cIn] input. */
export function convCost(
  name: string,
  [h, w, cIn]: readonly [number, number, number],
  filters: number,
  kernel: number,
  padding: Padding,
): LayerCost {
  const ho = outSize(h, kernel, 1, padding)
  const wo = outSize(w, kernel, 1, padding)
  const fanIn = kernel * kernel * cIn
  return {
    name,
    kind: 'conv',
    params: fanIn * filters + filters,
    fanIn,
    outputs: ho * wo * filters,
    shape: [ho, wo, filters],
  }
}

/** Cost of a 2x2, stride-2 pooling (valid padding, as tfjs's default): no FLOPs. */
export function poolCost(name: string, [h, w, c]: readonly [number, number, number]): LayerCost {
  return {
    name,
    kind: 'pool',
    params: 0,
    fanIn: 0,
    outputs: 0,
    shape: [outSize(h, 2, 2, 'valid'), outSize(w, 2, 2, 'valid'), c],
  }
}

/** The shape of a layer's output as an [h, w, c] triple (for conv stacks). */
export function hwc(layer: LayerCost): [number, number, number] {
  const [h, w, c] = layer.shape
  if (h === undefined || w === undefined || c === undefined)
    throw new TypeError(`Cannot read layer "${layer.name}" as [h, w, c]: shape is [${layer.shape}]`)
  return [h, w, c]
}
