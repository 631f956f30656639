/**
 * Child-process side of `--isolate`: receives one trial, imports the composition root named in
 * the message (a module exporting `registries`), runs the trial and sends its record back.
 */
import { pathToFileURL } from 'node:url'
import type { Registries } from '../registry.ts'
import type { TrialSpec } from '../spec/resolve.ts'
import type { Device } from '../types.ts'
import { DatasetCache, executeTrial, MemoryCache, RunInterrupted } from './execute.ts'

interface RunMessage {
  type: 'run'
  entry: string
  trial: TrialSpec
  device: Device
  threads: number
  codeVersion: string
  envHash: string
}

const send = (m: unknown) => process.send?.(m)
const interrupt = new AbortController()

process.on('message', async (m: RunMessage | { type: 'interrupt' }) => {
  if (m.type === 'interrupt') {
    interrupt.abort()
    return
  }
  const mod = (await import(pathToFileURL(m.entry).href)) as { registries: Registries }
  try {
    const record = await executeTrial(m.trial, {
      registries: mod.registries,
      device: m.device,
      threads: m.threads,
      logger: {
        info: (message) => send({ type: 'log', level: 'info', message }),
        warn: (message) => send({ type: 'log', level: 'warn', message }),
        debug: (message) => send({ type: 'log', level: 'debug', message }),
      },
      progress: { update: (done, total, label) => send({ type: 'progress', done, total, label }) },
      cache: new MemoryCache(),
      datasets: new DatasetCache(),
      now: () => performance.now(),
      timestamp: () => new Date().toISOString(),
      codeVersion: m.codeVersion,
      envHash: m.envHash,
      signal: interrupt.signal,
    })
    send({ type: 'record', record })
  } catch (e) {
    if (e instanceof RunInterrupted) send({ type: 'interrupted' })
    else throw e
  }
  process.disconnect?.()
})
