/**
 * `fp32`: the float network every quantization method starts from (trained once per dataset point
 * and seed through the artifact cache), with its test top-1, size and bit operations at 32 bits,
 * and its onnxruntime-node latency.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import { createOrtSession } from '../../harness/backends/onnx.ts'
import { exportToOnnx } from '../../harness/backends/onnx-export.ts'
import { measureLatency } from '../../harness/measure/latency.ts'
import { median } from '../../harness/stats/describe.ts'
import { metric, type SubjectDef } from '../../harness/types.ts'
import { lenet5 } from '../../models/lenet5.ts'
import { mlp } from '../../models/mlp.ts'
import { ClassifierConfig, trainedClassifier } from '../../models/trained-classifier.ts'

export const Fp32Params = z.strictObject({
  ...ClassifierConfig.shape,
  /** Latency batch. @default 32 */
  batch: z.number().int().positive().default(32),
  /** @default 300 */
  timeMs: z.number().positive().default(300),
})
export type Fp32Params = z.output<typeof Fp32Params>

export const fp32: SubjectDef<Fp32Params, ImageDataset> = {
  name: 'fp32',
  kind: 'baseline',
  description: 'Float32 mlp / lenet5 on MNIST: the reference of the quantization study',
  params: Fp32Params,
  async run(ctx, { params, dataset }) {
    const data = dataset.data
    const { batch, timeMs, ...config } = params
    const trained = await trainedClassifier(ctx, config, data)
    const p =
      config.model === 'mlp' ? mlp.params.parse({ hidden: config.hidden }) : lenet5.params.parse({})
    const def = config.model === 'mlp' ? mlp : lenet5
    const macs = def.countFlops(p as never, 'macs') / 2
    const bytes = def.countParams(p as never) * 4
    const s = await createOrtSession(exportToOnnx(trained.model as tfl.Sequential), {
      threads: ctx.threads,
    })
    ctx.annotate('tfjsBackend', tf.getBackend())
    ctx.annotate('onnxruntime', s.version)
    try {
      const size = data.height * data.width * data.channels
      const b = Math.min(batch, data.test.n)
      const shape =
        trained.layout === 'flat' ? [b, size] : [b, data.height, data.width, data.channels]
      const name = s.session.inputNames[0] as string
      const feed = {
        [name]: new ort.Tensor('float32', data.test.images.subarray(0, b * size), shape),
      }
      const { samples } = await measureLatency(() => s.session.run(feed), { timeMs, minSamples: 5 })
      return {
        top1: metric(trained.testAccuracy * 100, '%', 'higher'),
        model_bytes: metric(bytes, 'B', 'lower'),
        gbops: metric((macs * 32 * 32) / 1e9, 'GBOP', 'lower'),
        latency_fp32_ms: metric(median(samples), 'ms', 'lower', samples),
        train_s: metric(trained.trainSeconds, 's', 'lower'),
      }
    } finally {
      await s.session.release()
    }
  },
}
