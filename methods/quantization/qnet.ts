/**
 * The network as the quantizers see it: a flat list of layers with plain typed-array weights,
 * extracted from a trained tfjs-layers mlp or lenet5, and a tfjs forward pass over it with a hook
 * at every activation quantization point.
 *
 * Quantization points: point 0 is the network input; point j ≥ 1 is the output (after ReLU) of
 * the j-th weighted layer, the last one being the logits. Pooling and flattening commute with a
 * per-tensor monotone quantizer, so they need no point of their own.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

/** Dense weights are [inputs, outputs]; conv weights are HWIO [k, k, cin, cout] (tfjs layouts). */
export type QLayer =
  | {
      kind: 'dense'
      name: string
      w: Float32Array
      b: Float32Array
      fanIn: number
      units: number
      relu: boolean
    }
  | {
      kind: 'conv'
      name: string
      w: Float32Array
      b: Float32Array
      k: number
      cin: number
      cout: number
      relu: boolean
    }
  | { kind: 'maxpool'; name: string; size: number }
  | { kind: 'flatten'; name: string }

export type WeightedLayer = Extract<QLayer, { kind: 'dense' | 'conv' }>

export interface QNet {
  layers: QLayer[]
  /** Per-example input shape: [784] (flat) or [28, 28, 1] (NHWC). */
  inputShape: number[]
}

/** The weighted layers in order. */
export function weightedLayers(net: QNet): WeightedLayer[] {
  return net.layers.filter((l): l is WeightedLayer => l.kind === 'dense' || l.kind === 'conv')
}

/** Output channels of a weighted layer (the last weight axis). */
export function outChannels(l: WeightedLayer): number {
  return l.kind === 'dense' ? l.units : l.cout
}

/** Multiply-accumulates per example of each weighted layer. */
export function layerMacs(net: QNet): number[] {
  const out: number[] = []
  let shape = [...net.inputShape]
  for (const l of net.layers) {
    if (l.kind === 'dense') {
      out.push(l.fanIn * l.units)
      shape = [l.units]
    } else if (l.kind === 'conv') {
      const [h = 1, w = 1] = shape
      out.push(h * w * l.k * l.k * l.cin * l.cout)
      shape = [h, w, l.cout]
    } else if (l.kind === 'maxpool') {
      const [h = 1, w = 1, c = 1] = shape
      shape = [Math.floor(h / l.size), Math.floor(w / l.size), c]
    } else {
      shape = [shape.reduce((a, b) => a * b, 1)]
    }
  }
  return out
}

/** Reads the layers of a trained tfjs mlp or lenet5 (dense, conv2d same, max pooling, flatten). */
export function extractQNet(model: tfl.LayersModel): QNet {
  const layers: QLayer[] = []
  for (const layer of model.layers) {
    const cls = layer.getClassName()
    const cfg = layer.getConfig() as Record<string, unknown>
    const relu = cfg['activation'] === 'relu'
    if (
      cls !== 'InputLayer' &&
      cfg['activation'] !== undefined &&
      !relu &&
      cfg['activation'] !== 'linear'
    )
      throw new TypeError(
        `Cannot quantize layer "${layer.name}": activation "${String(cfg['activation'])}"`,
      )
    const ws = layer.getWeights()
    if (cls === 'Dense') {
      const [k, b] = ws
      if (!k || !b) throw new TypeError(`Cannot quantize layer "${layer.name}": no bias`)
      const [fanIn = 0, units = 0] = k.shape
      layers.push({
        kind: 'dense',
        name: layer.name,
        w: k.dataSync() as Float32Array,
        b: b.dataSync() as Float32Array,
        fanIn,
        units,
        relu,
      })
    } else if (cls === 'Conv2D') {
      const [k, b] = ws
      if (!k || !b) throw new TypeError(`Cannot quantize layer "${layer.name}": no bias`)
      if (cfg['padding'] !== 'same' || JSON.stringify(cfg['strides']) !== '[1,1]')
        throw new TypeError(
          `Cannot quantize layer "${layer.name}": only stride-1 same convolutions`,
        )
      const [kh = 0, , cin = 0, cout = 0] = k.shape
      layers.push({
        kind: 'conv',
        name: layer.name,
        w: k.dataSync() as Float32Array,
        b: b.dataSync() as Float32Array,
        k: kh,
        cin,
        cout,
        relu,
      })
    } else if (cls === 'MaxPooling2D') {
      const size = (cfg['poolSize'] as number[])[0] ?? 2
      layers.push({ kind: 'maxpool', name: layer.name, size })
    } else if (cls === 'Flatten') {
      layers.push({ kind: 'flatten', name: layer.name })
    } else if (cls !== 'InputLayer') {
      throw new TypeError(`Cannot quantize layer "${layer.name}": class ${cls}`)
    }
  }
  const shape = model.inputs[0]?.shape.slice(1) as number[]
  return { layers, inputShape: shape }
}

/** Weights and biases of the weighted layers as tensors (variables for QAT). */
export interface TfLayerWeights {
  w: tf.Tensor
  b: tf.Tensor
}

/** Float weights of a net as tensors, in weighted-layer order; the caller disposes them. */
export function netTensors(net: QNet, weights?: readonly Float32Array[]): TfLayerWeights[] {
  return weightedLayers(net).map((l, i) => ({
    w:
      l.kind === 'dense'
        ? tf.tensor2d(weights?.[i] ?? l.w, [l.fanIn, l.units])
        : tf.tensor4d(weights?.[i] ?? l.w, [l.k, l.k, l.cin, l.cout]),
    b: tf.tensor1d(l.b),
  }))
}

/**
 * Called at every quantization point with its index and value; returns the value to use.
 * `onLayerInput` of forwardTf sees the input of weighted layer j (0-based) after pooling.
 */
export type ActivationHook = (point: number, x: tf.Tensor) => tf.Tensor

/** Forward pass of `net` with the given weight tensors; `act` sees every quantization point. */
export function forwardTf(
  net: QNet,
  weights: readonly TfLayerWeights[],
  x: tf.Tensor,
  act?: ActivationHook,
  onLayerInput?: (layer: number, input: tf.Tensor) => void,
): tf.Tensor {
  let h = act ? act(0, x) : x
  let j = 0
  for (const l of net.layers) {
    if (l.kind === 'maxpool') {
      h = tf.maxPool(h as tf.Tensor4D, l.size, l.size, 'valid')
      continue
    }
    if (l.kind === 'flatten') {
      h = tf.reshape(h, [h.shape[0] as number, -1])
      continue
    }
    const p = weights[j]
    if (!p) return h // a prefix of the network: stop before the first layer without weights
    onLayerInput?.(j, h)
    j++
    h =
      l.kind === 'dense'
        ? tf.add(tf.matMul(h as tf.Tensor2D, p.w as tf.Tensor2D), p.b)
        : tf.add(tf.conv2d(h as tf.Tensor4D, p.w as tf.Tensor4D, 1, 'same'), p.b)
    if (l.relu) h = tf.relu(h)
    if (act) h = act(j, h)
  }
  return h
}

/** Logits of `net` for rows of `x` (flat, n × prod(inputShape)) in batches, as a Float32Array. */
export function logitsOf(
  net: QNet,
  weights: readonly TfLayerWeights[],
  x: Float32Array,
  act?: ActivationHook,
  batch = 500,
): Float32Array {
  const size = net.inputShape.reduce((a, b) => a * b, 1)
  const n = x.length / size
  const parts: Float32Array[] = []
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch)
    const out = tf.tidy(() => {
      const xb = tf.tensor(x.subarray(s * size, e * size), [e - s, ...net.inputShape])
      return forwardTf(net, weights, xb, act)
    })
    parts.push(out.dataSync() as Float32Array)
    out.dispose()
  }
  const total = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    total.set(p, o)
    o += p.length
  }
  return total
}

/** Every value seen at every quantization point for inputs `x` (flat rows). */
export function collectActivations(
  net: QNet,
  weights: readonly TfLayerWeights[],
  x: Float32Array,
): Float32Array[] {
  const seen: Float32Array[][] = []
  logitsOf(net, weights, x, (point, t) => {
    ;(seen[point] ??= []).push(t.dataSync() as Float32Array)
    return t
  })
  return seen.map((parts) => {
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
    let o = 0
    for (const p of parts) {
      all.set(p, o)
      o += p.length
    }
    return all
  })
}
