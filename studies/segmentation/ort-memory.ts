/**
 * Peak memory of one onnxruntime-node inference, measured where it can be measured cleanly: in a
 * fresh Node process (plain JavaScript, no tsx) that only loads onnxruntime-node, creates the
 * session without ORT's arena and memory-pattern cache (so each tensor is allocated and freed as
 * it lives and dies), runs the graph once (one-time initialisation), resets its peak resident set
 * (writing 5 to /proc/self/clear_refs) and runs it again. The result is VmHWM after that call
 * minus VmRSS before it: the peak of the bytes the call keeps alive at once (intermediates and
 * output), page-rounded. glibc's mmap threshold is pinned at 4 KiB in that process
 * (MALLOC_MMAP_THRESHOLD_), so every block of 4 KiB or more is mapped fresh and unmapped on free:
 * freed heap pages cannot hide an allocation. (In the benchmark process itself the same reading
 * is near zero for small heads, since freed heap pages are reused without growing the resident
 * set.) The timed session keeps the arena; this measures what the call needs, not how the arena
 * rounds it. Linux only.
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The child's program (CommonJS): argv = [ortPath, dims JSON, threads]; stdin = model ‖ input. */
const PROBE = `
const fs = require('node:fs')
const [ortPath, dimsJson, threads] = process.argv.slice(1)
const ort = require(ortPath)
const stdin = fs.readFileSync(0)
const modelLength = stdin.readUInt32LE(0)
const model = new Uint8Array(stdin.buffer, stdin.byteOffset + 4, modelLength)
const dims = JSON.parse(dimsJson)
const input = new Float32Array(stdin.buffer.slice(stdin.byteOffset + 4 + modelLength, stdin.byteOffset + stdin.length))
const kb = (key) => Number(new RegExp(key + ':\\\\s+(\\\\d+) kB').exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
;(async () => {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all', enableCpuMemArena: false, enableMemPattern: false,
  })
  const feeds = { x: new ort.Tensor('float32', input, dims) }
  await session.run(feeds)
  fs.writeFileSync('/proc/self/clear_refs', '5')
  const before = kb('VmRSS')
  await session.run(feeds)
  const peak = kb('VmHWM')
  process.stdout.write(JSON.stringify({ peakBytes: Math.max(0, peak - before) * 1024 }))
})().catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1) })
`

/**
 * Peak resident growth, bytes, of one inference of `model` on `input` (shape `dims`) with
 * `threads` intra-op threads, in a fresh process (see the header); undefined off Linux. A probe
 * that fails or exceeds `timeoutMs` throws, with the child's first line of stderr.
 */
export function probeOrtPeakMemory(
  model: Uint8Array,
  input: Float32Array,
  dims: readonly number[],
  threads: number,
  timeoutMs = 120_000,
): number | undefined {
  if (process.platform !== 'linux') return undefined
  const header = Buffer.alloc(4)
  header.writeUInt32LE(model.length, 0)
  const stdin = Buffer.concat([
    header,
    model,
    Buffer.from(input.buffer, input.byteOffset, input.byteLength),
  ])
  const r = spawnSync(
    process.execPath,
    ['-e', PROBE, require.resolve('onnxruntime-node'), JSON.stringify(dims), String(threads)],
    {
      input: stdin,
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '4096' },
      maxBuffer: 1 << 20,
    },
  )
  if (r.status !== 0 || r.error)
    throw new Error(
      `Cannot measure onnxruntime peak memory: the probe process ${r.error ? r.error.message : `exited with ${String(r.status)}`} (${(r.stderr ?? '').split('\n')[0]})`,
    )
  const { peakBytes } = JSON.parse(r.stdout) as { peakBytes: number }
  return peakBytes
}
