/**
 * Typed registries built from explicit lists (no globbing, no import side effects). A duplicate
 * name throws; an unknown name lists the valid ones.
 */
import { fail } from './messages.ts'
import type { AnyDataset, AnyModel, AnySubject } from './types.ts'

export class Registry<T extends { name: string; description: string }> {
  readonly kind: string
  private readonly items = new Map<string, T>()

  constructor(kind: string, items: readonly T[]) {
    this.kind = kind
    for (const item of items) {
      if (this.items.has(item.name)) {
        fail('duplicateName', kind, item.name)
      }
      this.items.set(item.name, item)
    }
  }

  has(name: string): boolean {
    return this.items.has(name)
  }

  /** The definition named `name`; an unknown name throws and lists the valid ones. */
  get(name: string, where?: string): T {
    const item = this.items.get(name)
    if (!item) {
      fail('unknownName', this.kind, name, where ?? '', this.names())
    }
    return item
  }

  names(): string[] {
    return [...this.items.keys()].sort()
  }

  list(): T[] {
    return this.names().map((n) => this.items.get(n) as T)
  }
}

/** Everything the composition root hands to the harness. */
export interface Registries {
  datasets: Registry<AnyDataset>
  models: Registry<AnyModel>
  subjects: Registry<AnySubject>
}

export function createRegistries(lists: {
  datasets: readonly AnyDataset[]
  models: readonly AnyModel[]
  methods: readonly AnySubject[]
  baselines: readonly AnySubject[]
}): Registries {
  for (const m of lists.methods) {
    if (m.kind !== 'method')
      throw new TypeError(`Cannot register method "${m.name}": its kind is "${m.kind}"`)
  }
  for (const b of lists.baselines) {
    if (b.kind !== 'baseline')
      throw new TypeError(`Cannot register baseline "${b.name}": its kind is "${b.kind}"`)
  }
  return {
    datasets: new Registry('dataset', lists.datasets),
    models: new Registry('model', lists.models),
    subjects: new Registry('subject', [...lists.methods, ...lists.baselines]),
  }
}
