import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import * as ort from 'onnxruntime-node'
import { fakeContext } from '../../datasets/fake-context.ts'
import { createOrtSession } from '../../harness/backends/onnx.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { encoderBlocksModel } from '../../models/sparse/encoder-onnx.ts'
import { prunedEncoder } from '../../studies/sparse/pruned-encoder.ts'
import { nativeAvailable } from './codegen-c.ts'
import { ENCODER_OPS, prepareEncoder } from './encoder-engine.ts'
import { transposeMatrix } from './layout.ts'

const available = nativeAvailable()
const skip = available.ok ? false : available.reason
const cacheDir = mkdtempSync(join(tmpdir(), 'effbench-encoder-test-'))
after(() => rmSync(cacheDir, { recursive: true, force: true }))
let tick = 0
const clock = () => tick++
const small = { dModel: 24, heads: 3, ffn: 40, seqLength: 11, layers: 2 }

test('pruned-encoder prunes every linear layer to the target and keeps tfjs output', async () => {
  const d = await prunedEncoder.load(
    fakeContext(1),
    prunedEncoder.params.parse({ ...small, sparsity: 0.75 }),
  )
  assert.equal(d.blocks.length, 2)
  for (const b of d.blocks)
    for (const l of [b.q, b.k, b.v, b.o, b.ffn1, b.ffn2]) {
      const zeros = l.w.filter((v) => v === 0).length
      assert.equal(zeros, Math.round(0.75 * l.w.length))
    }
  const nonzeros = d.blocks
    .flatMap((b) => [b.q, b.k, b.v, b.o, b.ffn1, b.ffn2])
    .reduce((s, l) => s + l.w.filter((v) => v !== 0).length, 0)
  assert.equal(d.nnz, nonzeros)
  assert.equal(d.weights, 2 * (4 * 24 * 24 + 2 * 24 * 40))
  assert.equal(d.expected.length, 11 * 24)
})

test('the ONNX graph of the blocks reproduces the zoo encoder (tfjs)', async () => {
  const d = await prunedEncoder.load(
    fakeContext(2),
    prunedEncoder.params.parse({ ...small, sparsity: 0.5 }),
  )
  const { session } = await createOrtSession(encoderBlocksModel(d), { threads: 1 })
  const y = (await session.run({ h: new ort.Tensor('float32', d.h0, [11, 24]) })).y
    ?.data as Float32Array
  await session.release()
  assert.ok(maxRelativeError(y, d.expected) <= 1e-4)
})

const variants = [
  { sparsity: 0, fuseResidual: true },
  { sparsity: 0.9, fuseResidual: true },
  { sparsity: 0.9, fuseResidual: false, isa: 'avx2' as const },
  { sparsity: 0.9, fuseResidual: true, clusterRows: true, tile: { rowBlock: 8, colVectors: 1 } },
]
for (const { sparsity, ...v } of variants) {
  test(`the sparse engine matches tfjs on the pruned encoder at sparsity ${sparsity} (${JSON.stringify(v)}), and its profile covers every operator`, {
    skip,
  }, async () => {
    const d = await prunedEncoder.load(
      fakeContext(3),
      prunedEncoder.params.parse({ ...small, sparsity }),
    )
    const engine = await prepareEncoder(d, { clock, cacheDir, ...v })
    try {
      const kinds = new Set(engine.choices.map((c) => c.choice.kind))
      assert.deepEqual([...kinds], [sparsity === 0 ? 'dense' : 'sparse'])
      assert.equal(engine.choices.length, 2 * 4)
      const out = new Float32Array(24 * 11)
      engine.forward(transposeMatrix(d.h0, 11, 24), out)
      assert.ok(maxRelativeError(transposeMatrix(out, 24, 11), d.expected) <= 1e-4)
      const again = new Float32Array(24 * 11)
      const ms = engine.profile(transposeMatrix(d.h0, 11, 24), again)
      assert.deepEqual(again, out)
      assert.deepEqual(Object.keys(ms), [...ENCODER_OPS])
      for (const op of ENCODER_OPS) assert.ok((ms[op] as number) > 0, op)
      assert.throws(() => engine.forward(new Float32Array(3), out), /must hold 24 x 11 values/)
    } finally {
      engine.dispose()
    }
  })
}
