/**
 * What every quantization subject shares: the trained float network (from the artifact cache,
 * so the fp32 baseline and every method at a dataset point and seed use the same one), its float
 * test logits, and the metrics that compare quantized logits with them.
 */

import * as tf from '@tensorflow/tfjs-core'
import type { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { ClassifierConfig, trainedClassifier } from '../../models/trained-classifier.ts'
import { argmaxRows, logitKl, sqnrDb, top1 } from './fidelity.ts'
import { extractQNet, layerMacs, logitsOf, netTensors, type QNet, weightedLayers } from './qnet.ts'

/** Subject params that pick the float network (same keys as ClassifierConfig). */
export const NetFields = ClassifierConfig.shape

export interface Prepared {
  net: QNet
  fpLogits: Float32Array
  fpTop1: number
  trainSeconds: number
}

/** The trained float network of this dataset point and shared seed, and its test logits. */
export async function prepare(
  ctx: TrialContext,
  config: z.output<typeof ClassifierConfig>,
  data: ImageDataset,
): Promise<Prepared> {
  const trained = await trainedClassifier(ctx, ClassifierConfig.parse(config), data)
  return ctx.cache.getOrCreate(
    { artifact: 'quantization-fp-logits', config, sharedSeed: ctx.sharedSeed, n: data.test.n },
    async () => {
      const net = extractQNet(trained.model)
      const t = netTensors(net)
      try {
        const fpLogits = logitsOf(net, t, data.test.images)
        return {
          net,
          fpLogits,
          fpTop1: top1(fpLogits, data.test.labels),
          trainSeconds: trained.trainSeconds,
        }
      } finally {
        for (const p of t) tf.dispose([p.w, p.b])
      }
    },
  )
}

/** Classifier config out of a subject's params. */
export function netConfig(
  p: z.output<z.ZodObject<typeof NetFields>>,
): z.output<typeof ClassifierConfig> {
  return {
    model: p.model,
    hidden: p.hidden,
    epochs: p.epochs,
    batchSize: p.batchSize,
    learningRate: p.learningRate,
  }
}

/**
 * Top-1, its drop from fp32 (points), agreement with the fp32 predictions (the fraction of test
 * examples whose argmax is unchanged: less noisy than top-1 differences), logit KL and SQNR.
 */
export function fidelityMetrics(prep: Prepared, logits: Float32Array, labels: Int32Array): Metrics {
  const acc = top1(logits, labels)
  const classes = logits.length / labels.length
  return {
    fp_agree: metric(top1(logits, argmaxRows(prep.fpLogits, classes)) * 100, '%', 'higher'),
    top1: metric(acc * 100, '%', 'higher'),
    top1_drop: metric((prep.fpTop1 - acc) * 100, 'pt', 'lower'),
    logit_kl: metric(
      logitKl(prep.fpLogits, logits, logits.length / labels.length),
      'nats',
      'lower',
    ),
    sqnr_db: metric(sqnrDb(prep.fpLogits, logits), 'dB', 'higher'),
  }
}

/**
 * Model bytes (weights at their bits, biases int32, one float scale per channel) and bit
 * operations per example (Σ MACs · b_w · b_a).
 */
export function costMetrics(net: QNet, wBits: readonly number[], aBits: number): Metrics {
  const layers = weightedLayers(net)
  const macs = layerMacs(net)
  let bytes = 0
  let bops = 0
  layers.forEach((l, j) => {
    const b = wBits[j] as number
    bytes += (l.w.length * b) / 8 + l.b.length * 4 + (b < 32 ? l.b.length * 4 : 0)
    bops += (macs[j] as number) * b * aBits
  })
  return {
    model_bytes: metric(bytes, 'B', 'lower'),
    gbops: metric(bops / 1e9, 'GBOP', 'lower'),
  }
}
