/**
 * A small binary container for artifacts: a JSON description and a list of Float32 arrays
 * (network weights, logits), exactly as they were, so a value read back from the artifact cache
 * is bit for bit the value that was stored.
 *
 *   u32 json length | json (UTF-8) | padding to 4 | per array: u32 length, float32 data
 */

/** `meta` (any JSON) and `arrays` in one buffer. */
export function packArtifact(meta: unknown, arrays: readonly Float32Array[]): Uint8Array {
  const json = Buffer.from(JSON.stringify(meta ?? null))
  const head = 4 + json.byteLength
  const start = head + ((4 - (head % 4)) % 4)
  const total = arrays.reduce((s, a) => s + 4 + a.byteLength, start + 4)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, json.byteLength, true)
  out.set(json, 4)
  let at = start
  view.setUint32(at, arrays.length, true)
  at += 4
  for (const a of arrays) {
    view.setUint32(at, a.length, true)
    at += 4
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at)
    at += a.byteLength
  }
  return out
}

/** The inverse of `packArtifact`; throws a RangeError on a buffer that is not one. */
export function unpackArtifact<M = unknown>(
  bytes: Uint8Array,
): { meta: M; arrays: Float32Array[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const need = (at: number, n: number) => {
    if (at + n > bytes.byteLength)
      throw new RangeError(`artifact is truncated: needs ${at + n} bytes, has ${bytes.byteLength}`)
  }
  need(0, 4)
  const jsonLength = view.getUint32(0, true)
  need(4, jsonLength)
  const meta = JSON.parse(Buffer.from(bytes.subarray(4, 4 + jsonLength)).toString()) as M
  const head = 4 + jsonLength
  let at = head + ((4 - (head % 4)) % 4)
  need(at, 4)
  const count = view.getUint32(at, true)
  at += 4
  const arrays: Float32Array[] = []
  for (let i = 0; i < count; i++) {
    need(at, 4)
    const n = view.getUint32(at, true)
    at += 4
    need(at, 4 * n)
    // A copy: aligned, and independent of the file buffer (a Buffer's slice() would share it).
    const a = new Float32Array(n)
    new Uint8Array(a.buffer).set(bytes.subarray(at, at + 4 * n))
    arrays.push(a)
    at += 4 * n
  }
  if (at !== bytes.byteLength)
    throw new RangeError(`artifact has ${bytes.byteLength - at} trailing bytes`)
  return { meta, arrays }
}
