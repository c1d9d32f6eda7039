import { describe, expect, it } from 'vitest'
import type { KeyValueBytesStore } from '../../../stores/key-value-store.js'
import { ChangeLoggingKeyValueStore, ChangeLoggingTimestampedKeyValueStore } from '../../../stores/logging/change-logging-key-value-store.js'
import { Stores } from '../../../stores/stores.js'
import { TestStoreContext, b } from './support/store-context.js'

/** An in-memory store whose reads-then-writes answer asynchronously, as RocksDB's do. */
function asyncInner(name: string): KeyValueBytesStore {
  const memory = Stores.inMemoryKeyValueStore(name).get()
  return new Proxy(memory, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown
      if (typeof v !== 'function') return v
      if (prop === 'delete' || prop === 'putIfAbsent') return (...args: unknown[]) => Promise.resolve().then(() => (v as (...a: unknown[]) => unknown).apply(target, args))
      return (v as (...a: unknown[]) => unknown).bind(target)
    },
  })
}

describe('change-logging layer over an async store', () => {
  for (const Layer of [ChangeLoggingKeyValueStore, ChangeLoggingTimestampedKeyValueStore]) {
    it(`${Layer.name}: delete and putIfAbsent log with the record time of the call, not of when the store answered`, async () => {
      const store = new Layer(asyncInner('s'))
      const ctx = new TestStoreContext(null)
      await store.init(ctx, store)
      ctx.setRecord(100)
      const put = store.putIfAbsent(b('k'), Buffer.concat([Buffer.alloc(8), b('v')]))
      ctx.setRecord(200) // the task moved on before the store answered
      await put
      ctx.setRecord(300)
      const deleted = store.delete(b('k'))
      ctx.setRecord(400)
      await deleted
      expect(ctx.collector.sent.map((r) => `${r.value === null ? 'tombstone' : 'put'} t=${r.timestamp}`)).toEqual([
        // a timestamped store logs a put with its stored time (0 here), a tombstone with the call's
        Layer === ChangeLoggingKeyValueStore ? 'put t=100' : 'put t=0',
        'tombstone t=300',
      ])
    })
  }
})
