// What a stream-table join needs to know about a versioned table: whether the table is versioned
// (as-of lookups; a grace period needs it) and the checks Kafka Streams makes when a join has a
// grace period.
import type { KTable } from '../dsl/ktable.js'
import { syncSerde } from '../dsl/materialize.js'
import type { ValueGetterSupplier } from '../dsl/table-value-sources.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import { TopologyError } from '../internals/topology-error.js'
import type { Joined } from '../options/joined.js'
import type { Processor } from '../processor/processor.js'
import type { AnySerde } from '../serdes/serde.js'
import { GraceStreamTableJoinProcessor, graceBufferStoreBuilder, graceBufferStoreName } from './stream-table-grace.js'
import { StreamTableJoinProcessor } from './stream-table-join.js'

export const NOT_VERSIONED_MESSAGE = 'KTable must be versioned to use a grace period in a stream table join.'

/**
 * Kafka Streams' check of a stream-table join with a grace period that the table's history
 * retention covers the grace period (that the table is versioned at all is
 * `requireVersionedForGrace`'s check; the join node checks the store again when it starts).
 */
export function checkJoinGrace(table: KTable<any, any>, joined: Joined<any, any, any> | undefined): void {
  const grace = joined?.gracePeriodMs ?? null
  if (grace === null) return
  const what = table.queryableStoreName !== null ? `KTable '${table.queryableStoreName}'` : `KTable ${table.name}`
  const retention = table.valueSource.historyRetention?.() ?? null
  if (retention !== null && retention < grace) {
    throw new TopologyError(`History retention must be at least grace period. (${what} keeps ${retention} ms of history; the join's grace period is ${grace} ms)`)
  }
}

/**
 * The join node's processor: the plain stream-table join, or, with a grace period, the same
 * join behind a time-ordered buffer (its store is added to the topology here).
 */
export function streamTableJoinProcessor<K, V, VT, VOut>(
  builder: InternalTopologyBuilder,
  name: string,
  getter: ValueGetterSupplier<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VOut,
  leftJoin: boolean,
  joined: Joined<K, V, VT> | undefined,
  streamSerdes: { keySerde: AnySerde<K> | null; valueSerde: AnySerde<V> | null },
): () => Processor<K, V, K, VOut> {
  const plain = () => new StreamTableJoinProcessor<K, V, K, VT, VOut>(getter, (k) => k, joiner, leftJoin)
  const grace = joined?.gracePeriodMs ?? null
  if (grace === null) return plain
  builder.addStateStore(graceBufferStoreBuilder(name))
  const keySerde = syncSerde(joined?.keySerde ?? streamSerdes.keySerde)
  const valueSerde = syncSerde(joined?.valueSerde ?? streamSerdes.valueSerde)
  return () => {
    if (getter.versioned !== true) throw new TopologyError(`${NOT_VERSIONED_MESSAGE} (join ${name} reads stores ${getter.storeNames.join(', ')}, which are not versioned)`)
    return new GraceStreamTableJoinProcessor<K, V, VOut>(plain(), graceBufferStoreName(name), grace, keySerde, valueSerde, name)
  }
}

export { graceBufferStoreName }
