/**
 * Per-kernel time of a tfjs backend, for the profiling scripts: every registered kernel of the
 * backend is wrapped so the outermost calls add their time to `spent` (a kernel that calls other
 * kernels counts once). `restore()` puts the original kernels back.
 */
import type * as tfCore from '@tensorflow/tfjs-core'

export interface KernelTimer {
  /** Milliseconds by kernel name, by the clock given. */
  readonly spent: Map<string, number>
  /** Re-registers the unwrapped kernels. */
  restore(): void
}

export function timeKernels(
  tf: typeof tfCore,
  backend: string,
  clockMs: () => number = () => performance.now(),
): KernelTimer {
  const spent = new Map<string, number>()
  let depth = 0
  const originals = tf.getKernelsForBackend(backend)
  for (const k of originals) {
    const inner = k.kernelFunc
    tf.unregisterKernel(k.kernelName, k.backendName)
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const outermost = depth++ === 0
        const t0 = outermost ? clockMs() : 0
        try {
          return inner(args)
        } finally {
          depth--
          if (outermost) spent.set(k.kernelName, (spent.get(k.kernelName) ?? 0) + clockMs() - t0)
        }
      },
    })
  }
  return {
    spent,
    restore() {
      for (const k of originals) {
        tf.unregisterKernel(k.kernelName, k.backendName)
        tf.registerKernel(k)
      }
    },
  }
}
