import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import { isPromise, type MaybePromise } from '../../stores/maybe-promise.js'
import type { Serde } from '../../stores/serde.js'
import { Stores } from '../../stores/stores.js'
import { KTable } from '../dsl/ktable.js'
import { syncSerde } from '../dsl/materialize.js'
import type { TableValueSource, ValueGetterSupplier } from '../dsl/table-value-sources.js'
import { findWindowCloseDelay } from '../windows/window-grace.js'
import { decodeBuffered } from './buffered-record-codec.js'
import { SuppressProcessor } from './suppress-processor.js'
import { Suppressed } from './suppressed.js'

const BYTES: Serde<Buffer> = {
  serialize: (_topic, data) => data,
  deserialize: (_topic, data) => data,
}

/**
 * KTable.suppress: adds the suppression processor and its buffer store (in memory, logged unless the
 * BufferConfig disables it, so the buffer is restored after a restart). `untilWindowCloses` takes its
 * grace from the windowed aggregation upstream and fails to build without one.
 */
export function suppressTable<K, V>(table: KTable<K, V>, suppressed: Suppressed<K>): KTable<K, V> {
  if (!(suppressed instanceof Suppressed)) {
    throw new TypeError('KTable.suppress: expected Suppressed.untilWindowCloses(...) or Suppressed.untilTimeLimit(...)')
  }
  const builder = table.builder
  const name = suppressed.name ?? builder.newProcessorName('KTABLE-SUPPRESS-')
  const storeName = suppressed.name ? `${suppressed.name}-store` : builder.newStoreName('KTABLE-SUPPRESS-')
  const graceMs = suppressed.kind === 'UNTIL_WINDOW_CLOSES' ? findWindowCloseDelay(builder, table.name) : 0
  // The buffer emits the value downstream saw before the first buffered update as old value.
  table.enableSendingOldValues(true)
  const keySerde = syncSerde<K>(table.keySerde)
  const valueSerde = syncSerde<V>(table.valueSerde)
  builder.addProcessor(name, () => new SuppressProcessor<K, V>({ processorName: name, storeName, suppressed, graceMs, keySerde, valueSerde }), table.name)

  const config = suppressed.bufferConfig
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(storeName), BYTES, BYTES).withCachingDisabled()
  if (config.loggingEnabled) store.withLoggingEnabled(config.logConfig)
  else store.withLoggingDisabled()
  builder.addStateStore(store, name)

  const source = new SuppressedValueSource<K, V>(table.valueSource, storeName, keySerde, valueSerde)
  return new KTable<K, V>(builder, name, table.keySerde, table.valueSerde, table.sourceNodes, null, source)
}

/**
 * Lookups of a suppressed table answer what downstream has seen: the prior value of a buffered
 * key, else the parent table's value (Kafka Streams' suppress view).
 */
class SuppressedValueSource<K, V> implements TableValueSource<K, V> {
  constructor(
    private readonly parent: TableValueSource<K, V>,
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  enableSendingOldValues(force: boolean): boolean {
    return this.parent.enableSendingOldValues(force)
  }

  sendingOldValueEnabled(): boolean {
    return this.parent.sendingOldValueEnabled?.() ?? false
  }

  valueGetterSupplier(): ValueGetterSupplier<K, V> {
    const parent = this.parent.valueGetterSupplier()
    const { storeName, keySerde, valueSerde } = this
    return {
      storeNames: [storeName, ...parent.storeNames],
      get(ctx) {
        const getParent = parent.get(ctx)
        const buffer = ctx.getStateStore(storeName) as unknown as KeyValueStore<Buffer, Buffer>
        const topic = `${ctx.applicationId}-${storeName}-changelog`
        return (key): MaybePromise<ValueAndTimestamp<V> | null> => {
          const keyBytes = keySerde.serialize(topic, key)
          if (keyBytes === null) return getParent(key)
          const answer = (raw: Buffer | null): MaybePromise<ValueAndTimestamp<V> | null> => {
            if (raw === null) return getParent(key)
            const entry = decodeBuffered(raw)
            const prior = valueSerde.deserialize(topic, entry.prior)
            return prior === null ? null : { value: prior, timestamp: entry.context.timestamp }
          }
          const raw = buffer.get(keyBytes)
          return isPromise(raw) ? raw.then(answer) : answer(raw)
        }
      },
    }
  }
}
