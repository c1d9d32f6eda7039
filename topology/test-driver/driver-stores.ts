import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { SessionStore } from '../../stores/session-store.js'
import type { StateStore } from '../../stores/state-store.js'
import type { WindowStore } from '../../stores/window-store.js'
import type { Topology } from '../topology.js'
import { PASS_THROUGH, PLAIN_VALUES } from './deferred-store.js'
import type { DriverTasks } from './driver-tasks.js'
import { KeyValueStoreFacade } from './key-value-store-facade.js'
import { SessionStoreFacade } from './session-store-facade.js'
import { requireStoreKind, storeKindOf, type StoreKind } from './store-kind.js'
import { WindowStoreFacade } from './window-store-facade.js'

/**
 * The driver's store accessors: each checks the store's kind against the topology at once and
 * returns a facade whose reads wait for the driver to start, then find the store in the tasks.
 */
export class DriverStores {
  constructor(
    private readonly topology: Topology,
    private readonly tasks: DriverTasks,
    /** Resolves once the driver has started; rejects when it is closed or failed to start. */
    private readonly started: () => Promise<void>,
  ) {}

  async find(name: string): Promise<StateStore> {
    await this.started()
    const global = this.tasks.globalStores.get(name)
    if (global) return global
    for (const task of this.tasks.stream) {
      const store = task.getStore(name)
      if (store) return store
    }
    throw new Error(`no state store named ${name}; the topology has ${[...this.topology.builder.stores.keys()].join(', ') || 'none'}`)
  }

  private kind(name: string): StoreKind {
    const def = this.topology.builder.stores.get(name)
    if (!def) throw new Error(`no state store named ${name}; the topology has ${[...this.topology.builder.stores.keys()].join(', ') || 'none'}`)
    return storeKindOf(def.builder)
  }

  keyValue<K, V>(name: string): KeyValueStoreFacade<K, V> {
    const kind = this.kind(name)
    requireStoreKind(name, kind, ['key-value', 'timestamped-key-value'], 'getKeyValueStore')
    const view = kind === 'timestamped-key-value' ? PLAIN_VALUES : PASS_THROUGH
    return new KeyValueStoreFacade<K, V>(name, () => this.find(name) as Promise<KeyValueStore<K, any>>, view)
  }

  timestampedKeyValue<K, V>(name: string): KeyValueStoreFacade<K, ValueAndTimestamp<V>> {
    requireStoreKind(name, this.kind(name), ['timestamped-key-value'], 'getTimestampedKeyValueStore')
    return new KeyValueStoreFacade<K, ValueAndTimestamp<V>>(name, () => this.find(name) as Promise<KeyValueStore<K, any>>, PASS_THROUGH)
  }

  window<K, V>(name: string): WindowStoreFacade<K, V> {
    const kind = this.kind(name)
    requireStoreKind(name, kind, ['window', 'timestamped-window'], 'getWindowStore')
    const view = kind === 'timestamped-window' ? PLAIN_VALUES : PASS_THROUGH
    return new WindowStoreFacade<K, V>(name, () => this.find(name) as Promise<WindowStore<K, any>>, view, () => this.windowSizeOf(name))
  }

  timestampedWindow<K, V>(name: string): WindowStoreFacade<K, ValueAndTimestamp<V>> {
    requireStoreKind(name, this.kind(name), ['timestamped-window'], 'getTimestampedWindowStore')
    return new WindowStoreFacade<K, ValueAndTimestamp<V>>(name, () => this.find(name) as Promise<WindowStore<K, any>>, PASS_THROUGH, () => this.windowSizeOf(name))
  }

  session<K, V>(name: string): SessionStoreFacade<K, V> {
    requireStoreKind(name, this.kind(name), ['session'], 'getSessionStore')
    return new SessionStoreFacade<K, V>(name, () => this.find(name) as Promise<SessionStore<K, V>>)
  }

  /** From the store's supplier; a user's own builder answers once the driver has started. */
  private windowSizeOf(name: string): number {
    const builder = this.topology.builder.stores.get(name)!.builder as unknown as { supplier?: { windowSize?: unknown } }
    if (typeof builder.supplier?.windowSize === 'number') return builder.supplier.windowSize
    for (const task of this.tasks.stream) {
      const store = task.getStore(name) as Partial<WindowStore<unknown, unknown>> | undefined
      if (store && typeof store.windowSize === 'number') return store.windowSize
    }
    throw new Error(`the window size of store ${name} is known once the driver has started; read the store first`)
  }
}
