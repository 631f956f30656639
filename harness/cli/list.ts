/** `effbench list`: what is registered. */
import type { Command } from './options.ts'

export const list: Command = {
  name: 'list',
  usage: 'list',
  summary: 'suites, groups, methods, baselines, datasets, models',
  description: 'Lists suites, groups, methods, baselines, datasets and models.',
  options: {},
  run(app, _p, io) {
    const lines: string[] = []
    const section = (title: string, items: { name: string; description: string }[]) => {
      lines.push(`${title}:`)
      const w = Math.max(0, ...items.map((i) => i.name.length))
      for (const i of items) lines.push(`  ${i.name.padEnd(w)}  ${i.description.split('\n')[0]}`)
      lines.push('')
    }
    section(
      'suites',
      app.suites.map((s) => ({ name: s.name, description: s.description })),
    )
    section(
      'groups',
      Object.entries(app.groups).map(([name, members]) => ({
        name,
        description: members.join(', '),
      })),
    )
    const subjects = app.registries.subjects.list()
    section(
      'methods',
      subjects.filter((s) => s.kind === 'method'),
    )
    section(
      'baselines',
      subjects.filter((s) => s.kind === 'baseline'),
    )
    section('datasets', app.registries.datasets.list())
    section('models', app.registries.models.list())
    io.stdout.write(lines.join('\n'))
    return 0
  },
}
