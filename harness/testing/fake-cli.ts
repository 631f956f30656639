/** A CLI over the fake registries, for tests that run (and interrupt) a real process. */
import { fileURLToPath } from 'node:url'
import { runCli } from '../cli/index.ts'
import { fakeApp, fakeRegistries } from './fake.ts'

export const registries = fakeRegistries()

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const app = fakeApp(process.cwd(), fileURLToPath(import.meta.url))
  process.exitCode = await runCli(process.argv.slice(2), { ...app, registries })
}
