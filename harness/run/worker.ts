/**
 * Child-process side of `--isolate`: receives one trial and the run's settings, imports the
 * composition root named in the message (a module exporting `registries`), builds its own run
 * environment from those settings, runs the trial and sends the record back.
 */
import { pathToFileURL } from 'node:url'
import type { Registries } from '../registry.ts'
import { createRunEnvironment } from './environment.ts'
import { executeTrial, RunInterrupted } from './execute.ts'
import type { WorkerRun } from './runner.ts'

const send = (m: unknown) => process.send?.(m)
const interrupt = new AbortController()

process.on('message', async (m: WorkerRun | { type: 'interrupt' }) => {
  if (m.type === 'interrupt') {
    interrupt.abort()
    return
  }
  const mod = (await import(pathToFileURL(m.entry).href)) as { registries: Registries }
  const env = createRunEnvironment(m.settings, {
    registries: mod.registries,
    logger: {
      info: (message) => send({ type: 'log', level: 'info', message }),
      warn: (message) => send({ type: 'log', level: 'warn', message }),
      debug: (message) => send({ type: 'log', level: 'debug', message }),
    },
    progress: { update: (done, total, label) => send({ type: 'progress', done, total, label }) },
    signal: interrupt.signal,
  })
  try {
    send({ type: 'record', record: await executeTrial(m.trial, env) })
  } catch (e) {
    if (e instanceof RunInterrupted) send({ type: 'interrupted' })
    else throw e
  }
  process.disconnect?.()
})
