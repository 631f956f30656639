import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { randomDense, randomSparse, relativeError } from '../../models/sparse/fixtures.ts'
import { denseGemm } from '../../models/sparse/reference.ts'
import { nativeAvailable, prepareNative } from './codegen-c.ts'
import { balancedSplit, prepareSplit } from './split-rows.ts'

const available = nativeAvailable()
const skip = available.ok ? false : available.reason
const cacheDir = mkdtempSync(join(tmpdir(), 'effbench-split-test-'))
after(() => rmSync(cacheDir, { recursive: true, force: true }))
let tick = 0
const clock = () => tick++

test('balancedSplit() cuts where half the nonzeros are above', () => {
  // Row nonzeros 4, 0, 1, 3: the first row alone holds half.
  const w = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0])
  assert.equal(balancedSplit(w, 4, 4), 1)
  assert.equal(balancedSplit(new Float32Array(8), 4, 2), 2)
})

test('a kernel split across two threads matches the reference', { skip }, async () => {
  const [M, K, N] = [37, 50, 19]
  const rng = new Rng(11)
  const w = randomSparse(rng, M, K, 0.2, 'unstructured')
  const x = randomDense(rng, K * N)
  const bias = randomDense(rng, M)
  const k = await prepareSplit(w, { M, K, N, bias, relu: true, clock }, (wh, o) =>
    prepareNative(wh, o, { cacheDir, units: 1, opt: '-O1' }),
  )
  const ref = new Float32Array(M * N)
  denseGemm(w, x, ref, { M, K, N }, { bias, relu: true })
  const y = new Float32Array(M * N).fill(Number.NaN)
  await k.run(x, y)
  assert.ok(relativeError(y, ref) <= 1e-4)
  k.dispose()
})
