import type { KeyValue } from '../key-value.js'
import type { KeyValueBytesStore } from '../key-value-store.js'
import type { Serde } from '../serde.js'
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import { OrderedBytesMap } from '../internals/ordered-bytes-map.js'
import { SyncAsyncIterable } from '../internals/async-iterable.js'
import { InvalidStateStoreError, requireKey } from '../internals/store-errors.js'

/**
 * Bytes key-value store held in memory, ordered byte-wise. Every operation answers
 * synchronously; scans are also plain Iterables (see SyncAsyncIterable).
 */
export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly persistent = false
  private readonly map = new OrderedBytesMap<Buffer>()
  private open = false

  constructor(readonly name: string) {}

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    context.register(root, async (batch) => this.restore(batch))
    this.open = true
  }

  /** Applies changelog records directly (restore bypasses the other layers). */
  restore(batch: RestoreRecord[]): void {
    for (const r of batch) {
      if (r.value === null) this.map.delete(r.key)
      else this.map.set(r.key, r.value)
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.open = false
    this.map.clear()
  }

  isOpen(): boolean {
    return this.open
  }

  get(key: Buffer): Buffer | null {
    this.check(key)
    return this.map.get(key) ?? null
  }

  put(key: Buffer, value: Buffer | null): void {
    this.check(key)
    if (value === null) this.map.delete(key)
    else this.map.set(key, value)
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | null {
    this.check(key)
    const existing = this.map.get(key)
    if (existing !== undefined) return existing
    this.map.set(key, value)
    return null
  }

  putAll(entries: KeyValue<Buffer, Buffer | null>[]): void {
    for (const { key, value } of entries) this.put(key, value)
  }

  delete(key: Buffer): Buffer | null {
    this.check(key)
    return this.map.delete(key) ?? null
  }

  range(from: Buffer | null, to: Buffer | null): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.scan(from, to, false)
  }

  reverseRange(from: Buffer | null, to: Buffer | null): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.scan(from, to, true)
  }

  all(): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.scan(null, null, false)
  }

  reverseAll(): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.scan(null, null, true)
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    this.checkOpen()
    const bytes = prefixSerde.serialize(this.name, prefix)
    if (bytes === null) throw new TypeError(`State store "${this.name}": prefix serialized to null`)
    const map = this.map
    return new SyncAsyncIterable(function* () {
      for (const slot of map.prefix(bytes)) yield { key: slot.key, value: slot.value }
    })
  }

  approximateNumEntries(): number {
    this.checkOpen()
    return this.map.size
  }

  private scan(from: Buffer | null, to: Buffer | null, reverse: boolean): SyncAsyncIterable<KeyValue<Buffer, Buffer>> {
    this.checkOpen()
    const map = this.map
    return new SyncAsyncIterable(function* () {
      for (const slot of map.range(from, to, reverse)) yield { key: slot.key, value: slot.value }
    })
  }

  private check(key: Buffer): void {
    this.checkOpen()
    requireKey(this.name, key)
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(this.name, 'is not open')
  }
}
