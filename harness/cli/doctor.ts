/** `effbench doctor`: which backends load here, threads, compiler and CPU flags. */
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { collectEnvironment } from '../store/env.ts'
import type { Command } from './options.ts'

function compilerVersion(): string {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      return `${cc}: ${execFileSync(cc, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]}`
    } catch {
      // try the next one
    }
  }
  return 'none on PATH (the native sparse kernels are skipped)'
}

export const doctor: Command = {
  name: 'doctor',
  usage: 'doctor',
  summary: 'backends, threads, compiler and CPU flags on this machine',
  description: 'Shows which compute backends load here, thread counts, a C compiler and CPU flags.',
  options: {},
  async run(app, _p, io) {
    const env = collectEnvironment(app.root)
    const { describeBackends } = await import('../backends/tfjs.ts')
    const lines = [
      `node ${env.node} (v8 ${env.v8}) on ${env.platform} ${env.arch} ${env.osRelease}`,
      `cpu: ${env.cpuModel}; ${env.cores} cores available; ${env.memoryGiB} GiB`,
      `cpu flags: ${env.cpuFlags.join(' ') || 'none of interest found'}`,
      `git: ${env.git.commit}${env.git.dirty ? ' (dirty)' : ''}`,
      `C compiler: ${compilerVersion()}`,
      'tfjs backends:',
    ]
    for (const b of await describeBackends())
      lines.push(
        `  ${b.name.padEnd(14)} ${b.loads ? 'loads ' : 'absent'}  ${b.package}: ${b.detail}`,
      )
    try {
      const ort = await import('onnxruntime-node')
      const backends = ort.listSupportedBackends?.() ?? []
      lines.push(
        `onnxruntime-node ${env.packages['onnxruntime-node']}: ${backends.map((b: { name: string }) => b.name).join(', ') || 'cpu'}`,
      )
    } catch (e) {
      lines.push(`onnxruntime-node: does not load (${(e as Error).message.split('\n')[0]})`)
    }
    lines.push(
      `default threads per trial: 1 (use --threads; ${os.availableParallelism()} available)`,
    )
    io.stdout.write(`${lines.join('\n')}\n`)
    return 0
  },
}
