/**
 * TensorFlow.js backend selection: native `@tensorflow/tfjs-node` (or `-gpu`) when it loads, else
 * the WebAssembly backend (SIMD, with the training kernels of wasm-kernels.ts registered), else the
 * pure-JS cpu backend. `@tensorflow/tfjs-core` is the one tf instance everything uses; tfjs-layers
 * and the backends register into the same engine (its registry lives on the global object).
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { firstLine } from '../messages.ts'
import { registerWasmTrainingKernels } from './wasm-kernels.ts'

export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu'
export type TfjsPreference = 'node' | 'wasm' | 'cpu'

export interface TfjsOptions {
  /** First backend to try; the others follow in the order node, wasm, cpu. @default 'node' */
  prefer?: TfjsPreference
  /** 'gpu' requires `@tensorflow/tfjs-node-gpu` and throws where it does not load. @default 'cpu' */
  device?: 'cpu' | 'gpu'
  /** Intra-op threads; the wasm backend under Node is single-threaded whatever is asked. */
  threads?: number
}

export interface TfjsRuntime {
  tf: typeof tf
  backend: TfjsBackendName
  /** tfjs-core version, plus the backend package's where it differs. */
  version: string
  /** Threads the backend actually uses (as far as tfjs reports it). */
  threads: number
  /** Why each backend that was tried before the chosen one was not used. */
  reasons: Record<string, string>
}

export interface BackendProbe {
  name: TfjsBackendName | 'tensorflow-gpu'
  package: string
  loads: boolean
  /** Version when it loads, else the reason it does not. */
  detail: string
}

const require = createRequire(import.meta.url)
/** One runtime per distinct options; the last one returned is the active one. */
const runtimes = new Map<string, Promise<TfjsRuntime>>()
let last: Promise<TfjsRuntime> | undefined

/** The error's first line, without the importing file's path (records name no machine paths). */
function reasonOf(e: unknown): string {
  return firstLine(e).replace(/ imported from \S+/, '')
}

/** Imports a package by a computed name, so that optional packages need no type declarations. */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  return (await import(name)) as Record<string, unknown>
}

async function tryNode(gpu: boolean): Promise<string> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
  const mod = await importOptional(pkg)
  // tfjs-node registers the 'tensorflow' backend on import; it must share our tfjs-core.
  if (tf.findBackendFactory('tensorflow') === null)
    throw new Error(`${pkg} loaded but registered no 'tensorflow' backend in this tfjs-core`)
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but its backend failed to start`)
  const v = mod['version'] as Record<string, string> | undefined
  return v?.['tfjs-node'] ?? tf.version_core
}

async function tryWasm(threads: number | undefined): Promise<{ version: string; threads: number }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  if (tf.findBackend('wasm') === null) {
    // In Node the .wasm binaries are read from the package folder, not fetched over HTTP.
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`)
    if (threads !== undefined) wasm.setThreadsCount(threads)
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise')
  registerWasmTrainingKernels()
  return { version: wasm.version_wasm, threads: wasm.getThreadsCount() }
}

async function tryCpu(): Promise<string> {
  const cpu = await import('@tensorflow/tfjs-backend-cpu')
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise')
  return cpu.version_cpu
}

function order(prefer: TfjsPreference): TfjsPreference[] {
  const all: TfjsPreference[] = ['node', 'wasm', 'cpu']
  return [prefer, ...all.filter((b) => b !== prefer)]
}

async function init(options: TfjsOptions): Promise<TfjsRuntime> {
  // tfjs-core's Node bundle registers no gradients and no chained ops (t.add()); the tfjs-layers
  // bundle registers both into the same engine, so training works without the layers API too.
  await import('@tensorflow/tfjs-layers')
  const device = options.device ?? 'cpu'
  const reasons: Record<string, string> = {}
  if (device === 'gpu') {
    try {
      const version = await tryNode(true)
      return { tf, backend: 'tensorflow', version, threads: options.threads ?? 0, reasons }
    } catch (e) {
      throw new Error(
        `Cannot use device "gpu": @tensorflow/tfjs-node-gpu does not load (${reasonOf(e)})`,
      )
    }
  }
  for (const b of order(options.prefer ?? 'node')) {
    try {
      if (b === 'node') {
        const version = await tryNode(false)
        return { tf, backend: 'tensorflow', version, threads: options.threads ?? 0, reasons }
      }
      if (b === 'wasm') {
        const { version, threads } = await tryWasm(options.threads)
        if (options.threads !== undefined && options.threads !== threads)
          reasons['threads'] =
            `asked for ${options.threads}, wasm uses ${threads} (tfjs-backend-wasm has no threads under Node)`
        return { tf, backend: 'wasm', version, threads, reasons }
      }
      const version = await tryCpu()
      return { tf, backend: 'cpu', version, threads: 1, reasons }
    } catch (e) {
      reasons[b === 'node' ? 'tensorflow' : b] = reasonOf(e)
    }
  }
  throw new Error(`Cannot initialise tfjs: no backend loads (${JSON.stringify(reasons)})`)
}

/**
 * Selects, initialises and activates the tfjs backend. Idempotent: a later call with the same
 * options returns the same runtime (activating its backend again if another call switched it);
 * a call with no options returns the runtime activated last.
 */
export async function initTfjs(options: TfjsOptions = {}): Promise<TfjsRuntime> {
  const none =
    options.prefer === undefined && options.device === undefined && options.threads === undefined
  const key = JSON.stringify([options.prefer ?? 'node', options.device ?? 'cpu', options.threads])
  let entry = none && last ? last : runtimes.get(key)
  if (!entry) {
    entry = init(options)
    runtimes.set(key, entry)
    entry.catch(() => runtimes.delete(key))
  }
  const runtime = await entry
  if (tf.getBackend() !== runtime.backend && !(await tf.setBackend(runtime.backend)))
    throw new Error(`Cannot activate the tfjs backend "${runtime.backend}"`)
  last = entry
  return runtime
}

/** For `effbench doctor`: which tfjs backends load here, and why the others do not. */
export async function describeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = []
  for (const [name, pkg] of [
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const) {
    try {
      const mod = await importOptional(pkg)
      const v = mod['version'] as Record<string, string> | undefined
      probes.push({ name, package: pkg, loads: true, detail: v?.['tfjs-node'] ?? 'loaded' })
    } catch (e) {
      probes.push({ name, package: pkg, loads: false, detail: reasonOf(e) })
    }
  }
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
    probes.push({
      name: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      loads: true,
      detail: `${wasm.version_wasm}${simd ? ' simd' : ' no-simd'}, single-threaded under Node`,
    })
  } catch (e) {
    probes.push({
      name: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      loads: false,
      detail: reasonOf(e),
    })
  }
  try {
    const cpu = await import('@tensorflow/tfjs-backend-cpu')
    probes.push({
      name: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      loads: true,
      detail: cpu.version_cpu,
    })
  } catch (e) {
    probes.push({
      name: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      loads: false,
      detail: reasonOf(e),
    })
  }
  return probes
}
