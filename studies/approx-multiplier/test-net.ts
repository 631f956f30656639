/** A seeded random LeNet-5-shaped float net (valid padding) and inputs, for tests and timing. */
import { Rng } from '../../harness/run/rng.ts'
import type { FloatLayer, FloatNet } from './int-net.ts'

function randn(rng: Rng, n: number, std: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * std)
}

/** LeNet-5 (6c5-p2-16c5-p2-120-84-10, valid) on 28×28×1 with He-scaled Gaussian weights. */
export function randomLenet(seed: number): FloatNet {
  const rng = new Rng(seed)
  const conv = (name: string, cin: number, out: number): FloatLayer => ({
    kind: 'conv',
    name,
    w: randn(rng, 25 * cin * out, Math.sqrt(2 / (25 * cin))),
    b: randn(rng, out, 0.05),
    k: 5,
    cin,
    out,
    pad: 0,
    relu: true,
  })
  const dense = (name: string, fanIn: number, out: number, relu: boolean): FloatLayer => ({
    kind: 'dense',
    name,
    w: randn(rng, fanIn * out, Math.sqrt(2 / fanIn)),
    b: randn(rng, out, 0.05),
    fanIn,
    out,
    relu,
  })
  return {
    inputShape: [28, 28, 1],
    layers: [
      conv('conv1', 1, 6),
      { kind: 'maxpool', name: 'pool1', size: 2 },
      conv('conv2', 6, 16),
      { kind: 'maxpool', name: 'pool2', size: 2 },
      { kind: 'flatten', name: 'flatten' },
      dense('fc1', 256, 120, true),
      dense('fc2', 120, 84, true),
      dense('logits', 84, 10, false),
    ],
  }
}

/** n images in [0, 1] (sparse strokes-like: 70 % zeros). */
export function randomImages(seed: number, n: number, size = 784): Float32Array {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n * size }, () => (rng.next() < 0.7 ? 0 : rng.next()))
}
