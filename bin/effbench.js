#!/usr/bin/env node
// CLI entry: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api'

register()
const { app } = await import('../effbench.ts')
const { runCli } = await import('../harness/cli/index.ts')
process.exitCode = await runCli(process.argv.slice(2), app)
