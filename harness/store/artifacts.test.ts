import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ArtifactStore } from './artifacts.ts'
import { packArtifact, unpackArtifact } from './pack.ts'

const tmp = () => mkdtempSync(join(tmpdir(), 'eb-artifacts-'))
const A = 'aa'.repeat(20)
const B = 'bb'.repeat(20)
const C = 'cc'.repeat(20)
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

test('ArtifactStore returns what was written, and a miss for an absent entry', () => {
  const store = new ArtifactStore(tmp(), 1 << 20)
  assert.deepEqual(store.read(A), { status: 'miss' })
  store.write(A, bytes(100, 7))
  const r = store.read(A)
  assert.equal(r.status, 'hit')
  assert.deepEqual(r.status === 'hit' && [...r.bytes], [...bytes(100, 7)])
  assert.deepEqual(store.info().entries, 1)
})

test('ArtifactStore reports a truncated or edited entry as corrupt and removes it', () => {
  const store = new ArtifactStore(tmp(), 1 << 20)
  store.write(A, bytes(1000, 1))
  truncateSync(store.pathOf(A), 500)
  const r = store.read(A)
  assert.equal(r.status, 'corrupt')
  assert.match(r.status === 'corrupt' ? r.reason : '', /payload bytes, header says 1000/)
  assert.deepEqual(store.read(A), { status: 'miss' }, 'the corrupt entry was removed')

  store.write(B, bytes(1000, 2))
  const file = readFileSync(store.pathOf(B))
  file[file.length - 1] = 3
  writeFileSync(store.pathOf(B), file)
  const r2 = store.read(B)
  assert.deepEqual(r2, { status: 'corrupt', reason: 'checksum mismatch' })

  writeFileSync(store.pathOf(C), 'not an artifact')
  assert.deepEqual(store.read(C), { status: 'corrupt', reason: 'no header' })
})

test('ArtifactStore evicts the least recently used entries down to its cap, never the new one', () => {
  let now = 1_000_000_000_000
  const dir = tmp()
  const store = new ArtifactStore(dir, 2500, () => now)
  store.write(A, bytes(1000, 1))
  store.write(B, bytes(1000, 2))
  utimesSync(store.pathOf(A), 1_000_000_000, 1_000_000_000)
  utimesSync(store.pathOf(B), 1_000_000_100, 1_000_000_100)
  now = 1_000_000_200_000
  assert.equal(store.read(A).status, 'hit', 'a hit makes A the most recently used')
  store.write(C, bytes(1000, 3))
  assert.equal(store.read(B).status, 'miss', 'B, least recently used, was evicted')
  assert.equal(store.read(A).status, 'hit')
  assert.equal(store.read(C).status, 'hit')
  assert.ok(store.info().bytes <= 2500)

  const tiny = new ArtifactStore(dir, 10, () => now)
  tiny.write(B, bytes(1000, 2))
  assert.equal(
    tiny.read(B).status,
    'hit',
    'an entry larger than the cap stays until the next write',
  )
  assert.equal(tiny.info().entries, 1)
})

test('ArtifactStore.clear() removes every entry and reports what it freed', () => {
  const store = new ArtifactStore(tmp(), 1 << 20)
  store.write(A, bytes(10, 1))
  store.write(B, bytes(20, 2))
  const before = store.info()
  assert.equal(before.entries, 2)
  assert.deepEqual(store.clear(), { entries: 2, bytes: before.bytes })
  assert.equal(store.info().entries, 0)
  assert.deepEqual(store.read(A), { status: 'miss' })
})

test('two processes writing the same key leave one whole entry, and a reader never sees a torn one', async () => {
  const dir = tmp()
  const writer = fileURLToPath(new URL('../testing/artifact-writer.ts', import.meta.url))
  const start = (fill: number) =>
    new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, A, '25', String(fill)])
      child.on('error', reject)
      child.on('exit', resolve)
    })
  const store = new ArtifactStore(dir, 1 << 30)
  const done = Promise.all([start(1), start(2)])
  let finished = false
  done.then(() => {
    finished = true
  })
  const seen = new Set<number>()
  while (!finished) {
    const r = store.read(A)
    assert.notEqual(r.status, 'corrupt', r.status === 'corrupt' ? r.reason : '')
    if (r.status === 'hit') {
      assert.equal(r.bytes.length, 4 << 20)
      assert.ok(
        r.bytes.every((b) => b === r.bytes[0]),
        'one writer per entry, never mixed',
      )
      seen.add(r.bytes[0] as number)
    }
    await new Promise((res) => setTimeout(res, 5))
  }
  assert.deepEqual(await done, [0, 0])
  const last = store.read(A)
  assert.equal(last.status, 'hit')
  assert.ok(seen.size >= 1, 'the reader saw whole entries while the writers ran')
  assert.deepEqual(
    readdirSync(join(dir, 'v1')).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  )
})

test('packArtifact() round-trips metadata and Float32 arrays bit for bit; a cut buffer throws', () => {
  const arrays = [new Float32Array([1.5, -0, Number.NaN, 3e-39]), new Float32Array(0)]
  const packed = packArtifact({ layout: 'flat', acc: 0.91 }, arrays)
  const { meta, arrays: back } = unpackArtifact<{ layout: string; acc: number }>(packed)
  assert.deepEqual(meta, { layout: 'flat', acc: 0.91 })
  assert.equal(back.length, 2)
  assert.deepEqual(
    new Uint8Array((back[0] as Float32Array).buffer),
    new Uint8Array((arrays[0] as Float32Array).buffer),
  )
  assert.throws(() => unpackArtifact(packed.subarray(0, packed.length - 2)), RangeError)
})
