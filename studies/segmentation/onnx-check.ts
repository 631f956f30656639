/**
 * The check every head's ONNX export must pass: the graph run by onnxruntime-node gives the
 * tfjs head's inference output on the same input. Weights are made non-trivial first (seeded
 * noise on every variable, so that zero-initialised BN scales and biases take part, and a few
 * training-mode calls to move the batch-norm running statistics off 0 and 1).
 */
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { createOrtSession } from '../../harness/backends/onnx.ts'
import { Rng } from '../../harness/run/rng.ts'
import type { HeadBlock, HeadDef, HeadWidths } from './head.ts'
import { ParamStore } from './layers.ts'
import { exportHeadOnnx } from './onnx-head.ts'

export interface HeadDims {
  batch: number
  h: number
  w: number
}

function randomInput(rng: Rng, { batch, h, w }: HeadDims, channels: number): tf.Tensor4D {
  const values = new Float32Array(batch * h * w * channels)
  for (let i = 0; i < values.length; i++) values[i] = rng.normal()
  return tf.tensor4d(values, [batch, h, w, channels])
}

/** Builds `head` from `rng` and perturbs every weight and running statistic (see above). */
export function buildPerturbedHead(
  head: HeadDef,
  widths: HeadWidths,
  dims: HeadDims,
  rng: Rng,
): { store: ParamStore; block: HeadBlock } {
  const store = new ParamStore(rng.fork('weights'))
  const block = head.build(store, widths)
  const noise = rng.fork('noise')
  for (const v of store.variables) {
    const n = Float32Array.from({ length: v.size }, () => 0.3 * noise.normal())
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(n, v.shape))))
  }
  const warm = rng.fork('warm')
  for (let i = 0; i < 3; i++) {
    const x = randomInput(warm, dims, widths.channels)
    tf.tidy(() => block.apply(x, true))
    x.dispose()
  }
  return { store, block }
}

/** Largest |tfjs − onnxruntime| over the outputs, and the largest |output| (its scale). */
export async function onnxHeadDeviation(
  block: HeadBlock,
  channels: number,
  dims: HeadDims,
  rng: Rng,
): Promise<{ maxAbsError: number; maxAbs: number }> {
  const x = randomInput(rng, dims, channels)
  const expected = tf.tidy(() => block.apply(x, false)).dataSync() as Float32Array
  const bytes = exportHeadOnnx(block, { ...dims, channels })
  const { session } = await createOrtSession(bytes, { threads: 1 })
  try {
    const feeds = {
      x: new ort.Tensor('float32', x.dataSync() as Float32Array, [
        dims.batch,
        dims.h,
        dims.w,
        channels,
      ]),
    }
    const out = await session.run(feeds)
    const got = out['y']?.data as Float32Array
    if (got.length !== expected.length)
      throw new RangeError(
        `ONNX head output has ${got.length} values, the tfjs head ${expected.length}`,
      )
    let maxAbsError = 0
    let maxAbs = 0
    for (let i = 0; i < got.length; i++) {
      maxAbsError = Math.max(maxAbsError, Math.abs((got[i] as number) - (expected[i] as number)))
      maxAbs = Math.max(maxAbs, Math.abs(expected[i] as number))
    }
    return { maxAbsError, maxAbs }
  } finally {
    x.dispose()
    await session.release()
  }
}

/** The shapes every head's export is checked on: square, odd, and batch 2. */
const CHECK_DIMS: readonly HeadDims[] = [
  { batch: 1, h: 16, w: 16 },
  { batch: 1, h: 7, w: 5 },
  { batch: 2, h: 3, w: 9 },
]

/**
 * The export check over a narrow and a wide head (`nodes` where the head has graph nodes) and
 * the shapes above, seeded: the deviations, each with a label for the failure message. A test
 * asserts `maxAbsError ≤ 1e-4 · max(1, maxAbs)` and `maxAbs > 0.1` (the output is not trivially
 * small) on every one.
 */
export async function onnxExportDeviations(
  head: HeadDef,
  nodes: readonly [number, number] = [1, 1],
): Promise<{ label: string; maxAbsError: number; maxAbs: number }[]> {
  const out: { label: string; maxAbsError: number; maxAbs: number }[] = []
  const widthsList: HeadWidths[] = [
    { channels: 8, inner: 4, nodes: nodes[0] },
    { channels: 32, inner: 16, nodes: nodes[1] },
  ]
  for (const widths of widthsList)
    for (const dims of CHECK_DIMS) {
      const rng = new Rng(11)
      const { store, block } = buildPerturbedHead(head, widths, dims, rng.fork('head'))
      const d = await onnxHeadDeviation(block, widths.channels, dims, rng.fork('x'))
      out.push({ label: `C = ${widths.channels}, ${dims.batch}x${dims.h}x${dims.w}`, ...d })
      store.dispose()
    }
  return out
}
