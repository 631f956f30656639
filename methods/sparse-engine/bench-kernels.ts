/**
 * Kernel timing script (not a test): onnxruntime-node dense MatMul (one thread), TS CSR, generated
 * wasm and generated native SpMM on 768x3072 and 3072x768 at N = 128, 90% and 95% unstructured
 * sparsity. Subjects are timed in interleaved rounds; medians in ms, dense-equivalent GFLOP/s
 * (2·M·K·N/t) and effective GFLOP/s (2·nnz·N/t).
 *
 *   npx tsx methods/sparse-engine/bench-kernels.ts [--reps 15] [--tune-wasm] [--quick]
 */
import onnxProto from 'onnx-proto'
import * as ort from 'onnxruntime-node'
import { Rng } from '../../harness/run/rng.ts'
import { randomDense, relativeError } from '../../models/sparse/fixtures.ts'
import { toCsr } from '../../models/sparse/formats.ts'
import { applyMask, pruneMagnitude } from '../../models/sparse/prune.ts'
import { csrSpmm, denseGemm } from '../../models/sparse/reference.ts'
import { autotune, nativeSpace } from './autotune.ts'
import { nativeAvailable, nativeTarget, nativeToolchain } from './codegen-c.ts'
import { wasmTarget } from './codegen-wasm.ts'

const { onnx } = onnxProto
const args = process.argv.slice(2)
const arg = (name: string, d: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : d
}
const reps = arg('--reps', 15)
const quick = args.includes('--quick')
const clock = () => performance.now()

/** A one-node MatMul model: A [a0 x a1] (input) · B [a1 x b1] (initializer) -> Y. */
async function ortMatMul(
  b: Float32Array,
  a0: number,
  a1: number,
  b1: number,
): Promise<(a: Float32Array) => Promise<Float32Array>> {
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'matmul',
      node: [{ opType: 'MatMul', input: ['A', 'B'], output: ['Y'] }],
      initializer: [
        {
          name: 'B',
          dims: [a1, b1],
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: new Uint8Array(b.buffer.slice(0)),
        },
      ],
      input: [
        {
          name: 'A',
          type: {
            tensorType: { elemType: 1, shape: { dim: [{ dimValue: a0 }, { dimValue: a1 }] } },
          },
        },
      ],
      output: [
        {
          name: 'Y',
          type: {
            tensorType: { elemType: 1, shape: { dim: [{ dimValue: a0 }, { dimValue: b1 }] } },
          },
        },
      ],
    },
  }).finish()
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  })
  return async (a) => {
    const out = await session.run({ A: new ort.Tensor('float32', a, [a0, a1]) })
    return (out['Y'] as ort.Tensor).data as Float32Array
  }
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j] as number
  return t
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

interface Subject {
  name: string
  run: () => Promise<void> | void
  samples: number[]
  note: string
}

const shapes: Array<[number, number]> = quick
  ? [[3072, 768]]
  : [
      [768, 3072],
      [3072, 768],
    ]
const sparsities = quick ? [0.9] : [0.9, 0.95]
const N = 128
const native = nativeAvailable()
console.log(
  `node ${process.version}, onnxruntime-node ${ort.env.versions.common}, reps ${reps}, native: ${native.ok ? 'yes' : native.reason}`,
)
for (const [M, K] of shapes)
  for (const sparsity of sparsities) {
    const rng = new Rng(M * 7 + K + Math.round(sparsity * 100))
    const dense = randomDense(rng, M * K)
    const w = applyMask(
      dense,
      pruneMagnitude({ values: dense, rows: M, cols: K }, { sparsity }).mask,
    )
    const x = randomDense(rng, K * N)
    const nnz = w.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0)
    const ref = new Float32Array(M * N)
    denseGemm(w, x, ref, { M, K, N })
    const y = new Float32Array(M * N)
    const check = (name: string, out: Float32Array) => {
      const e = relativeError(out, ref)
      if (e > 1e-4) throw new Error(`${name} is wrong on ${M}x${K}: relative error ${e}`)
    }
    const subjects: Subject[] = []
    // onnxruntime dense, both layouts; Y^T = X^T · W^T has the weight as the prepacked B operand.
    const wt = transpose(w, M, K)
    const xt = transpose(x, K, N)
    const ortT = await ortMatMul(wt, N, K, M)
    check('ort dense', transpose(await ortT(xt), N, M))
    subjects.push({
      name: 'ort dense (X^T W^T)',
      run: async () => void (await ortT(xt)),
      samples: [],
      note: '',
    })
    const ortW = await ortMatMul(x, M, K, N)
    check('ort dense W X', await ortW(w))
    subjects.push({
      name: 'ort dense (W X)',
      run: async () => void (await ortW(w)),
      samples: [],
      note: 'W as input',
    })
    const csr = toCsr(w, M, K)
    csrSpmm(csr, x, y, N)
    check('ts csr', y)
    subjects.push({ name: 'TS CSR', run: () => csrSpmm(csr, x, y, N), samples: [], note: '' })
    const tuneWasm = args.includes('--tune-wasm')
    const wk = tuneWasm
      ? (await autotune(wasmTarget, w, { M, K, N }, { clock, reps: 3 })).kernel
      : await wasmTarget.prepare(w, { M, K, N, tile: { rowBlock: 8, colVectors: 1 }, clock })
    wk.run(x, y)
    check('wasm', y)
    subjects.push({
      name: 'wasm generated',
      run: () => wk.run(x, y),
      samples: [],
      note: `tile ${wk.tile.rowBlock}x${wk.tile.colVectors}, prepare ${(wk.prepareMs / 1000).toFixed(1)} s, ${(wk.codeBytes / 1e6).toFixed(1)} MB wasm`,
    })
    if (native.ok) {
      const tc = nativeToolchain()
      const isas: ('avx2' | 'avx512')[] =
        typeof tc !== 'string' && tc.avx512 ? ['avx2', 'avx512'] : ['avx2']
      const tuned = await autotune(
        nativeTarget,
        w,
        { M, K, N },
        { clock, reps: 7, candidates: nativeSpace(isas) },
      )
      const nk = tuned.kernel
      nk.run(x, y)
      check('native', y)
      const per = tuned.timings.map((t) =>
        t.status === 'ok'
          ? `${t.variant}: ${(t.prepareMs / 1000).toFixed(1)} s prep, ${t.medianMs.toFixed(2)} ms`
          : `${JSON.stringify(t.candidate)} failed`,
      )
      subjects.push({
        name: 'native generated',
        run: () => nk.run(x, y),
        samples: [],
        note: `${tuned.variant}, tuning ${(tuned.tuneMs / 1000).toFixed(1)} s [${per.join('; ')}]`,
      })
    }
    for (let r = 0; r < 3; r++) for (const s of subjects) await s.run()
    for (let r = 0; r < reps; r++)
      for (const s of subjects) {
        if (s.name === 'TS CSR' && r >= Math.max(5, reps / 3)) continue
        const t0 = performance.now()
        await s.run()
        s.samples.push(performance.now() - t0)
      }
    const ortMs = Math.min(
      ...subjects.filter((s) => s.name.startsWith('ort')).map((s) => median(s.samples)),
    )
    const csrMs = median(subjects.find((s) => s.name === 'TS CSR')!.samples)
    console.log(`\n${M}x${K} N=${N} sparsity ${(sparsity * 100).toFixed(0)}% nnz ${nnz}`)
    for (const s of subjects) {
      const ms = median(s.samples)
      const q = [...s.samples].sort((a, b) => a - b)
      console.log(
        `  ${s.name.padEnd(20)} median ${ms.toFixed(2).padStart(8)} ms (min ${q[0]!.toFixed(2)})  dense-eq ${((2 * M * K * N) / ms / 1e6).toFixed(1).padStart(6)} GF/s  eff ${((2 * nnz * N) / ms / 1e6).toFixed(1).padStart(5)} GF/s  vs ort ${(ortMs / ms).toFixed(2)}x  vs csr ${(csrMs / ms).toFixed(2)}x  ${s.note}`,
      )
    }
  }
