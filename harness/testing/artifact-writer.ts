/**
 * A child process for the artifact store's concurrency test: writes the same entry `count` times
 * (a payload large enough that a torn write would show), then exits.
 * Usage: artifact-writer.ts <dir> <hash> <count> <fill byte>
 */
import { ArtifactStore } from '../store/artifacts.ts'

const [dir, hash, count, fill] = process.argv.slice(2)
const store = new ArtifactStore(dir as string, 1 << 30)
const payload = new Uint8Array(4 << 20).fill(Number(fill))
for (let i = 0; i < Number(count); i++)
  store.write(hash as string, payload, { writer: process.pid })
