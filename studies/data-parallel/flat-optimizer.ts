/**
 * Adam and SGD over one flat Float32Array of parameters, in plain typed-array loops. A replica's
 * update is ~100 elementwise tfjs kernels on LeNet-5 (a few ms of dispatch on wasm); over the
 * flat arrays it is one pass. Same rule and defaults as `tf.train.adam` (beta1 0.9, beta2 0.999,
 * epsilon 1e-7, the float32 backends' epsilon); deterministic, so replicas that apply the same
 * gradient stay identical bit for bit.
 */

export interface FlatOptimizer {
  /** Updates `params` in place with `grads` (same length). */
  step(params: Float32Array, grads: Float32Array): void
  /**
   * One step that updates only the values [lo, hi) of `params` with those of `grads` (the
   * other values belong to other replicas' calls of the same step): per value the same
   * arithmetic as `step`, so k replicas splitting a step between them reach `step`'s result.
   */
  stepRange(params: Float32Array, grads: Float32Array, lo: number, hi: number): void
}

export function flatAdam(
  size: number,
  learningRate: number,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-7,
): FlatOptimizer {
  const m = new Float32Array(size)
  const v = new Float32Array(size)
  let accBeta1 = 1
  let accBeta2 = 1
  return {
    step(params, grads) {
      this.stepRange(params, grads, 0, size)
    },
    stepRange(params, grads, lo, hi) {
      if (params.length !== size || grads.length !== size)
        throw new RangeError(
          `Cannot take an Adam step: ${params.length} parameters and ${grads.length} gradients, expected ${size}`,
        )
      if (!(lo >= 0 && lo <= hi && hi <= size))
        throw new RangeError(`Cannot take an Adam step on [${lo}, ${hi}) of ${size} values`)
      accBeta1 *= beta1
      accBeta2 *= beta2
      const c1 = 1 / (1 - accBeta1)
      const c2 = 1 / (1 - accBeta2)
      for (let i = lo; i < hi; i++) {
        const g = grads[i] as number
        const mi = beta1 * (m[i] as number) + (1 - beta1) * g
        const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g
        m[i] = mi
        v[i] = vi
        params[i] =
          (params[i] as number) - (learningRate * mi * c1) / (Math.sqrt(vi * c2) + epsilon)
      }
    },
  }
}

export function flatSgd(learningRate: number): FlatOptimizer {
  return {
    step(params, grads) {
      this.stepRange(params, grads, 0, params.length)
    },
    stepRange(params, grads, lo, hi) {
      for (let i = lo; i < hi; i++)
        params[i] = (params[i] as number) - learningRate * (grads[i] as number)
    },
  }
}
