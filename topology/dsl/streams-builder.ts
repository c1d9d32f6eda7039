import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { Consumed } from '../options/consumed.js'
import type { Materialized } from '../options/materialized.js'
import type { AnySerde } from '../serdes/serde.js'
import type { Processor } from '../processor/processor.js'
import { Topology } from '../topology.js'
import { GlobalKTable } from './global-ktable.js'
import { KStream } from './kstream.js'
import { KTable } from './ktable.js'
import { keyValueStoreBuilder, timestampedKeyValueStoreBuilder } from './materialize.js'
import { TopologyError } from '../internals/topology-error.js'
import { TableSourceProcessor, type TableSourceState } from './processors/table-processors.js'
import { SourceValueSource } from './table-value-sources.js'
import { isVersionedMaterialized, tableSourceProcessor } from './versioned-table.js'

/** Builds a topology with the DSL; `build()` returns the Topology to run or test. */
export class StreamsBuilder {
  /** @internal */ readonly internal = new InternalTopologyBuilder()
  private built: Topology | null = null

  stream<K = Buffer, V = Buffer>(topics: string | string[] | RegExp, consumed?: Consumed<K, V>): KStream<K, V> {
    const list = typeof topics === 'string' ? [topics] : topics
    if (!(list instanceof RegExp) && (!Array.isArray(list) || list.length === 0)) {
      throw new TypeError('stream: expected a topic name, a non-empty array of topic names, or a RegExp')
    }
    const name = consumed?.processorName ?? this.internal.newProcessorName('KSTREAM-SOURCE-')
    this.internal.addSource(name, list, {
      keySerde: consumed?.keySerde ?? null,
      valueSerde: consumed?.valueSerde ?? null,
      timestampExtractor: consumed?.timestampExtractor ?? null,
      offsetReset: consumed?.offsetResetPolicy ?? null,
    })
    return new KStream<K, V>(this.internal, name, consumed?.keySerde ?? null, consumed?.valueSerde ?? null, new Set([name]), false)
  }

  table<K = Buffer, V = Buffer>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    requireTopic(topic, 'table')
    const b = this.internal
    const storeName = materialized?.storeName ?? b.newStoreName(`${topic}-`)
    const sourceName = consumed?.processorName ? `${consumed.processorName}-source` : b.newProcessorName('KSTREAM-SOURCE-')
    const tableName = consumed?.processorName ?? b.newProcessorName('KTABLE-SOURCE-')
    const keySerde = (consumed?.keySerde ?? materialized?.keySerde ?? null) as AnySerde<K> | null
    const valueSerde = (consumed?.valueSerde ?? materialized?.valueSerde ?? null) as AnySerde<V> | null
    b.addSource(sourceName, [topic], {
      keySerde,
      valueSerde,
      timestampExtractor: consumed?.timestampExtractor ?? null,
      offsetReset: consumed?.offsetResetPolicy ?? null,
    })
    const state: TableSourceState = { storeName, materialized: false, sendOldValues: false, versioned: isVersionedMaterialized(materialized) }
    b.addProcessor(tableName, () => tableSourceProcessor<K, V>(state, tableName), sourceName)
    const valueSource = new SourceValueSource<K, V>(b, tableName, state, () => keyValueStoreBuilder(storeName, materialized, keySerde, valueSerde))
    const queryable = materialized?.storeName ? storeName : null
    if (queryable) valueSource.materialize()
    return new KTable<K, V>(b, tableName, keySerde, valueSerde, new Set([sourceName]), queryable, valueSource)
  }

  globalTable<K = Buffer, V = Buffer>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    requireTopic(topic, 'globalTable')
    const b = this.internal
    const storeName = materialized?.storeName ?? b.newStoreName(`${topic}-`)
    const sourceName = consumed?.processorName ? `${consumed.processorName}-source` : b.newProcessorName('KSTREAM-SOURCE-')
    const processorName = consumed?.processorName ?? b.newProcessorName('KTABLE-SOURCE-')
    const keySerde = (consumed?.keySerde ?? materialized?.keySerde ?? null) as AnySerde<K> | null
    const valueSerde = (consumed?.valueSerde ?? materialized?.valueSerde ?? null) as AnySerde<V> | null
    if (isVersionedMaterialized(materialized)) {
      throw new TopologyError(
        `GlobalTables cannot be versioned. Global table of topic "${topic}": store '${storeName}' has a versioned store supplier; ` +
          'materialize it with a key-value store supplier',
      )
    }
    const storeBuilder = timestampedKeyValueStoreBuilder(storeName, materialized, keySerde, valueSerde).withLoggingDisabled()
    const state: TableSourceState = { storeName, materialized: true, sendOldValues: false }
    b.addGlobalStore(
      storeBuilder,
      sourceName,
      topic,
      { keySerde, valueSerde, timestampExtractor: consumed?.timestampExtractor ?? null },
      processorName,
      () => new TableSourceProcessor<K, V>(state, processorName),
    )
    return new GlobalKTable<K, V>(storeName, materialized?.storeName ? storeName : null)
  }

  /** Adds a store for Processor API nodes; connect it through `process(supplier, storeName)`. */
  addStateStore(storeBuilder: StoreBuilder<StateStore>): this {
    this.internal.addStateStore(storeBuilder)
    return this
  }

  /** A global store filled by your processor (which must write into it) from every partition of `topic`. */
  addGlobalStore(
    storeBuilder: StoreBuilder<StateStore>,
    topic: string,
    consumed: Consumed<any, any>,
    supplier: () => Processor<any, any, void, void>,
  ): this {
    requireTopic(topic, 'addGlobalStore')
    const b = this.internal
    const sourceName = b.newProcessorName('KSTREAM-SOURCE-')
    const processorName = b.newProcessorName('KTABLE-SOURCE-')
    b.addGlobalStore(storeBuilder, sourceName, topic, { keySerde: consumed?.keySerde, valueSerde: consumed?.valueSerde }, processorName, supplier)
    b.markUserCode(processorName)
    return this
  }

  build(): Topology {
    if (!this.built) {
      for (const check of this.internal.buildChecks) check()
      this.built = new Topology(this.internal)
    }
    return this.built
  }
}

function requireTopic(topic: unknown, op: string): void {
  if (typeof topic !== 'string' || topic.length === 0) throw new TypeError(`${op}: the topic must be a non-empty string`)
}
