import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ArtifactStore } from '../store/artifacts.ts'
import { packArtifact, unpackArtifact } from '../store/pack.ts'
import type { ArtifactCodec, Logger } from '../types.ts'
import { MemoryCache } from './environment.ts'

const codec: ArtifactCodec<Float32Array> = {
  name: 'vector',
  version: 1,
  encode: (v) => packArtifact(null, [v]),
  decode: (b) => unpackArtifact(b).arrays[0] as Float32Array,
}

function setup(dir = mkdtempSync(join(tmpdir(), 'eb-env-cache-'))) {
  const warnings: string[] = []
  const logger: Logger = { info() {}, debug() {}, warn: (m) => warnings.push(m) }
  const cache = () =>
    new MemoryCache({
      store: new ArtifactStore(dir, 1 << 20),
      codeVersion: 'src-1',
      envHash: 'env-1',
      logger,
    })
  return { dir, warnings, cache }
}

test('a persisted artifact is made once across processes (fresh caches on one store)', async () => {
  const { cache } = setup()
  let made = 0
  const make = async () => {
    made++
    return new Float32Array([1, 2, 3])
  }
  const first = await cache().getOrCreate({ net: 'a' }, make, codec)
  const second = await cache().getOrCreate({ net: 'a' }, make, codec)
  assert.equal(made, 1)
  assert.deepEqual([...second], [...first])
  await cache().getOrCreate({ net: 'b' }, make, codec)
  assert.equal(made, 2, 'another key is another artifact')
  await cache().getOrCreate({ net: 'a' }, make)
  assert.equal(made, 3, 'without a codec nothing is persisted')
})

test('the code version and the environment are part of the address', async () => {
  const { dir } = setup()
  const logger: Logger = { info() {}, debug() {}, warn() {} }
  let made = 0
  const make = async () => {
    made++
    return new Float32Array([made])
  }
  const at = (codeVersion: string, envHash: string) =>
    new MemoryCache({ store: new ArtifactStore(dir, 1 << 20), codeVersion, envHash, logger })
  await at('src-1', 'env-1').getOrCreate('k', make, codec)
  await at('src-2', 'env-1').getOrCreate('k', make, codec)
  await at('src-1', 'env-2').getOrCreate('k', make, codec)
  await at('src-1', 'env-1').getOrCreate('k', make, codec)
  assert.equal(made, 3)
})

test('a corrupt entry is reported in one line and rebuilt', async () => {
  const { dir, warnings, cache } = setup()
  let made = 0
  const make = async () => {
    made++
    return new Float32Array(256).fill(made)
  }
  await cache().getOrCreate('k', make, codec)
  const [file] = readdirSync(join(dir, 'v1'))
  truncateSync(join(dir, 'v1', file as string), 100)
  const again = await cache().getOrCreate('k', make, codec)
  assert.equal(made, 2)
  assert.equal(again[0], 2)
  assert.equal(warnings.length, 1)
  assert.match(warnings[0] as string, /^artifact cache: entry [0-9a-f]+ \(vector\) is corrupt/)
  assert.ok(!(warnings[0] as string).includes('\n'))
  // The rebuilt entry is whole: the next process reuses it without a warning.
  await cache().getOrCreate('k', make, codec)
  assert.equal(made, 2)
  assert.equal(warnings.length, 1)
})

test('an entry its codec cannot decode is dropped and rebuilt', async () => {
  const { warnings, cache } = setup()
  const strict: ArtifactCodec<Float32Array> = {
    ...codec,
    decode: () => {
      throw new RangeError('weights do not fit the model')
    },
  }
  let made = 0
  const make = async () => {
    made++
    return new Float32Array([made])
  }
  await cache().getOrCreate('k', make, strict)
  await cache().getOrCreate('k', make, strict)
  assert.equal(made, 2)
  assert.match(warnings[0] as string, /\(weights do not fit the model\); rebuilding it$/)
})
