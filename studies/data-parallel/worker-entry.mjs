// Worker thread entry: registers tsx in this thread (as bin/effbench.js does for the main one),
// then runs the TypeScript worker loop.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
