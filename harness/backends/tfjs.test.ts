import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { describeBackends, initTfjs } from './tfjs.ts'
import { WASM_TRAINING_KERNELS } from './wasm-kernels.ts'

// initTfjs() is process-wide state: these tests run in order in this file's own process.
describe('initTfjs()', () => {
  test('describeBackends() says which tfjs backends load and why the others do not', async () => {
    const probes = await describeBackends()
    assert.deepEqual(
      probes.map((p) => p.name),
      ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'],
    )
    for (const p of probes) {
      assert.ok(p.detail.length > 0, `${p.name} has a detail`)
      assert.ok(!p.detail.includes('\n'), `${p.name}: one line`)
    }
    assert.equal(probes.find((p) => p.name === 'wasm')?.loads, true)
    assert.equal(probes.find((p) => p.name === 'cpu')?.loads, true)
  })

  test('picks native tfjs when it loads, else wasm with the training kernels, and records why', async () => {
    const rt = await initTfjs({ prefer: 'node' })
    const native = (await describeBackends()).find((p) => p.name === 'tensorflow')
    assert.equal(rt.backend, native?.loads ? 'tensorflow' : 'wasm')
    assert.equal(rt.tf.getBackend(), rt.backend)
    if (rt.backend === 'wasm') {
      assert.match(rt.reasons['tensorflow'] ?? '', /tfjs-node/)
      assert.doesNotMatch(rt.reasons['tensorflow'] ?? '', /imported from/)
      for (const k of WASM_TRAINING_KERNELS) assert.ok(rt.tf.getKernel(k, 'wasm'), k)
    }
    assert.match(rt.version, /^\d+\.\d+\.\d+/)
    assert.ok(rt.threads >= 0)
  })

  test('is idempotent per options; other options switch the active backend and back', async () => {
    const a = await initTfjs({ prefer: 'node' })
    assert.equal(await initTfjs({ prefer: 'node' }), a)
    assert.equal(await initTfjs(), a)
    const cpu = await initTfjs({ prefer: 'cpu' })
    assert.equal(cpu.backend, 'cpu')
    assert.equal(cpu.tf.getBackend(), 'cpu')
    assert.equal(await initTfjs(), cpu)
    assert.equal(await initTfjs({ prefer: 'node' }), a)
    assert.equal(a.tf.getBackend(), a.backend)
  })

  test('device "gpu" without a GPU build throws a one-line error instead of running on CPU', async (t) => {
    const gpu = (await describeBackends()).find((p) => p.name === 'tensorflow-gpu')
    if (gpu?.loads) return t.skip('tfjs-node-gpu loads here')
    await assert.rejects(initTfjs({ device: 'gpu' }), (e: Error) => {
      assert.match(e.message, /^Cannot use device "gpu"/)
      assert.ok(!e.message.includes('\n'))
      return true
    })
  })
})
