/** A tiny random conv net (for tests): conv3x3·4 → maxpool2 → flatten → dense 8 → dense 3. */
import { Rng } from '../../harness/run/rng.ts'
import type { PtqConfig } from './ptq.ts'
import type { QNet } from './qnet.ts'

export function tinyNet(seed = 1): QNet {
  const rng = new Rng(seed)
  const r = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.normal() * s)
  return {
    inputShape: [6, 6, 1],
    layers: [
      {
        kind: 'conv',
        name: 'conv',
        w: r(9 * 4, 0.5),
        b: r(4, 0.1),
        k: 3,
        cin: 1,
        cout: 4,
        relu: true,
      },
      { kind: 'maxpool', name: 'pool', size: 2 },
      { kind: 'flatten', name: 'flat' },
      {
        kind: 'dense',
        name: 'fc',
        w: r(36 * 8, 0.3),
        b: r(8, 0.1),
        fanIn: 36,
        units: 8,
        relu: true,
      },
      {
        kind: 'dense',
        name: 'out',
        w: r(8 * 3, 0.5),
        b: r(3, 0.1),
        fanIn: 8,
        units: 3,
        relu: false,
      },
    ],
  }
}

/** n random inputs in [0, 1]. */
export function tinyInputs(n: number, seed = 2): Float32Array {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n * 36 }, () => rng.next())
}

/** Plain PTQ (nearest rounding, min-max, no corrections) at W8A8 per channel, for overriding. */
export function plainPtq(over: Partial<PtqConfig> = {}): PtqConfig {
  return {
    wBits: 8,
    aBits: 8,
    symmetric: true,
    granularity: 'channel',
    wCalib: 'minmax',
    aCalib: 'minmax',
    rounding: 'nearest',
    scheme: 'uniform',
    biasCorrection: false,
    equalize: false,
    ...over,
  }
}
