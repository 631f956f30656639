/**
 * onnxruntime-node sessions with explicit thread counts, so that every timing can record them.
 * CPU kernels ship inside the npm package; `device: 'gpu'` needs the CUDA execution provider.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { firstLine } from '../messages.ts'

const require = createRequire(import.meta.url)

export interface OrtSessionOptions {
  /** Intra-op threads (one operator's parallelism). */
  threads: number
  /** Inter-op threads (independent operators in parallel); used only by the parallel mode. @default 1 */
  interOpThreads?: number
  /** @default 'cpu' */
  device?: 'cpu' | 'gpu'
  /** Graph optimisations ('disabled' runs the graph as written, e.g. QDQ pairs unfused). @default 'all' */
  optimization?: 'all' | 'disabled'
}

export interface OrtSession {
  session: ort.InferenceSession
  /** What the session was created with: record these next to every measurement. */
  threads: number
  interOpThreads: number
  executionProvider: 'cpu' | 'cuda'
  version: string
}

/** Records on the trial which onnxruntime ran it and with how many threads. */
export function annotateOrtSession(
  ctx: { annotate(key: string, value: string | number): void },
  s: OrtSession,
): void {
  ctx.annotate('onnxruntime', s.version)
  ctx.annotate('intraOpThreads', s.threads)
  ctx.annotate('interOpThreads', s.interOpThreads)
}

/**
 * Whether the CUDA execution provider can actually load: onnxruntime-node lists "cuda" even when
 * its provider libraries were never installed (`onnxruntime-node-install=skip`), so look for them.
 */
export function ortCudaAvailable(): boolean {
  const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda')
  if (!cuda) return false
  if (cuda.bundled) return true
  try {
    const binding = require.resolve('onnxruntime-node/package.json')
    const dir = join(dirname(binding), 'bin', `napi-v6`, process.platform, process.arch)
    return existsSync(join(dir, 'libonnxruntime_providers_cuda.so'))
  } catch {
    return false
  }
}

/** Names of the execution providers this onnxruntime-node build can use here. */
export function ortExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name)
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(
      `Cannot create an onnxruntime session: ${name} must be an integer >= 1, got ${value}`,
    )
  return value
}

/**
 * Creates an onnxruntime-node inference session from ONNX bytes with explicit intra- and
 * inter-op thread counts. `device: 'gpu'` uses the CUDA provider and throws where it is absent.
 */
export async function createOrtSession(
  modelBytes: Uint8Array,
  options: OrtSessionOptions,
): Promise<OrtSession> {
  const threads = positiveInt('threads', options.threads)
  const interOpThreads = positiveInt('interOpThreads', options.interOpThreads ?? 1)
  const device = options.device ?? 'cpu'
  const providers = ort.listSupportedBackends()
  let executionProvider: 'cpu' | 'cuda' = 'cpu'
  if (device === 'gpu') {
    const cuda = providers.find((p) => p.name === 'cuda')
    if (!cuda)
      throw new Error(
        `Cannot use device "gpu": onnxruntime-node ${ort.env.versions.node ?? ''} lists no CUDA execution provider`,
      )
    executionProvider = 'cuda'
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [executionProvider],
    intraOpNumThreads: threads,
    interOpNumThreads: interOpThreads,
    executionMode: interOpThreads > 1 ? 'parallel' : 'sequential',
    graphOptimizationLevel: options.optimization ?? 'all',
    // A provider that fails to load is reported by our one-line error, not by ORT's native log.
    ...(executionProvider === 'cuda' ? { logSeverityLevel: 4 as const } : {}),
  }
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(modelBytes, sessionOptions)
  } catch (e) {
    const why = firstLine(e)
    if (executionProvider === 'cuda')
      throw new Error(
        `Cannot use device "gpu": the onnxruntime CUDA provider does not load (${why})`,
      )
    throw new Error(`Cannot create an onnxruntime session: ${why}`)
  }
  return {
    session,
    threads,
    interOpThreads,
    executionProvider,
    version: ort.env.versions.node ?? ort.env.versions.common ?? 'unknown',
  }
}
