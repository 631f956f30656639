/**
 * The persistent artifact store: expensive artifacts (trained networks, their derived tables)
 * kept on disk between runs and processes, one file per entry, addressed by a hash of what made
 * them (the caller's key, the code version of the producing sources, the environment hash).
 *
 *   <dir>/v1/<hash>.art   header line + JSON meta line + payload
 *
 * Writers write a temporary file next to the entry and rename it into place, so a reader sees a
 * whole entry or none, and two processes writing the same key leave one whole entry (the last
 * rename wins; both wrote the same bytes). Every entry carries the SHA-256 and length of its
 * payload: a reader that finds a mismatch (a truncated or edited file) reports it and removes
 * the entry, and its caller rebuilds it. A hit touches the entry's mtime, which serves as its
 * last-use time; after each write the store evicts the least recently used entries until it is
 * under its size cap.
 */
import { createHash, randomUUID } from 'node:crypto'
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'

const MAGIC = 'effbench-artifact 1'
const LAYOUT = 'v1'
const SUFFIX = '.art'
/** A temporary file older than this was left by a process that died mid-write. */
const STALE_TEMP_MS = 60 * 60 * 1000

/** Where the persistent cache lives and how large it may grow; part of the run settings. */
export interface ArtifactStoreSettings {
  dir: string
  /** Size cap in bytes; least recently used entries go first. */
  maxBytes: number
  /** Version of the sources that produce artifacts; part of every entry's address. */
  codeVersion: string
}

/** What a read found. `corrupt` says why an entry was dropped. */
export type ArtifactRead =
  | { status: 'hit'; bytes: Uint8Array }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string }

export interface ArtifactStoreInfo {
  dir: string
  entries: number
  bytes: number
  maxBytes: number
  /** Last use of the least and most recently used entries (ms since the epoch). */
  oldestMs?: number
  newestMs?: number
}

interface Entry {
  path: string
  bytes: number
  usedMs: number
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A persistent content-addressed store of byte blobs. Safe for concurrent processes. */
export class ArtifactStore {
  readonly dir: string
  readonly maxBytes: number
  private readonly now: () => number

  /** @param now wall clock for last-use times (injected for tests). */
  constructor(dir: string, maxBytes: number, now: () => number = Date.now) {
    this.dir = dir
    this.maxBytes = maxBytes
    this.now = now
  }

  private get root(): string {
    return join(this.dir, LAYOUT)
  }

  /** The file of entry `hash`. */
  pathOf(hash: string): string {
    if (!/^[0-9a-f]{8,64}$/.test(hash))
      throw new TypeError(`artifact hash must be hex, got "${hash}"`)
    return join(this.root, `${hash}${SUFFIX}`)
  }

  /** The payload of entry `hash`, checked against its header; a bad entry is removed. */
  read(hash: string): ArtifactRead {
    const path = this.pathOf(hash)
    let file: Buffer
    try {
      file = readFileSync(path)
    } catch {
      return { status: 'miss' }
    }
    const reason = checkEntry(file)
    if (typeof reason === 'string') {
      this.remove(hash)
      return { status: 'corrupt', reason }
    }
    try {
      const t = this.now() / 1000
      utimesSync(path, t, t)
    } catch {
      // Evicted by another process since the read: the bytes read are whole all the same.
    }
    return { status: 'hit', bytes: reason }
  }

  /** Store `payload` as entry `hash` (atomically), then evict down to the size cap. */
  write(hash: string, payload: Uint8Array, meta: Record<string, unknown> = {}): void {
    const path = this.pathOf(hash)
    mkdirSync(this.root, { recursive: true })
    const header = Buffer.from(
      `${MAGIC}\n${JSON.stringify({ ...meta, bytes: payload.byteLength, sha256: sha256(payload) })}\n`,
    )
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`
    const fd = openSync(temp, 'wx')
    try {
      writeSync(fd, header)
      writeSync(fd, payload)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
    this.evict(hash)
  }

  /** Drop entry `hash` if present. */
  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true })
  }

  private entries(): { entries: Entry[]; temps: Entry[] } {
    const entries: Entry[] = []
    const temps: Entry[] = []
    let names: string[]
    try {
      names = readdirSync(this.root)
    } catch {
      return { entries, temps }
    }
    for (const name of names) {
      const path = join(this.root, name)
      try {
        const s = statSync(path)
        const e = { path, bytes: s.size, usedMs: s.mtimeMs }
        if (name.endsWith(SUFFIX)) entries.push(e)
        else if (name.endsWith('.tmp')) temps.push(e)
      } catch {
        // Removed by another process meanwhile.
      }
    }
    return { entries, temps }
  }

  /**
   * Remove least recently used entries until the total is within the cap (never `keep`, the
   * entry just written), and temporary files abandoned by dead writers. Returns how many went.
   */
  evict(keep?: string): number {
    const { entries, temps } = this.entries()
    let removed = 0
    const now = this.now()
    for (const t of temps) {
      if (now - t.usedMs > STALE_TEMP_MS) {
        rmSync(t.path, { force: true })
        removed++
      }
    }
    let total = entries.reduce((s, e) => s + e.bytes, 0)
    if (total <= this.maxBytes) return removed
    const keepPath = keep === undefined ? undefined : this.pathOf(keep)
    // Oldest use first; ties by path so every process picks the same victims.
    entries.sort((a, b) => a.usedMs - b.usedMs || (a.path < b.path ? -1 : 1))
    for (const e of entries) {
      if (total <= this.maxBytes) break
      if (e.path === keepPath) continue
      try {
        unlinkSync(e.path)
      } catch {
        // Already evicted by another process: it no longer counts either way.
      }
      total -= e.bytes
      removed++
    }
    return removed
  }

  /** Entry count, total size and last-use range. */
  info(): ArtifactStoreInfo {
    const { entries } = this.entries()
    const info: ArtifactStoreInfo = {
      dir: this.dir,
      entries: entries.length,
      bytes: entries.reduce((s, e) => s + e.bytes, 0),
      maxBytes: this.maxBytes,
    }
    if (entries.length > 0) {
      info.oldestMs = Math.min(...entries.map((e) => e.usedMs))
      info.newestMs = Math.max(...entries.map((e) => e.usedMs))
    }
    return info
  }

  /** Remove every entry and temporary file; returns the count and bytes freed. */
  clear(): { entries: number; bytes: number } {
    const { entries, temps } = this.entries()
    const bytes = entries.reduce((s, e) => s + e.bytes, 0)
    for (const e of [...entries, ...temps]) rmSync(e.path, { force: true })
    return { entries: entries.length, bytes }
  }
}

/** The payload of a whole, well-formed entry, or why the file is not one. */
function checkEntry(file: Buffer): Uint8Array | string {
  const first = file.indexOf(10)
  const second = first < 0 ? -1 : file.indexOf(10, first + 1)
  if (second < 0 || file.subarray(0, first).toString() !== MAGIC) return 'no header'
  let meta: { bytes?: unknown; sha256?: unknown }
  try {
    meta = JSON.parse(file.subarray(first + 1, second).toString())
  } catch {
    return 'unreadable header'
  }
  const payload = file.subarray(second + 1)
  if (meta.bytes !== payload.byteLength)
    return `${payload.byteLength} payload bytes, header says ${String(meta.bytes)}`
  if (meta.sha256 !== sha256(payload)) return 'checksum mismatch'
  return payload
}
