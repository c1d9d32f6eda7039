import type { KTable } from '../dsl/ktable.js'
import { DerivedValueSource } from '../dsl/table-value-sources.js'
import { TopologyError } from '../internals/topology-error.js'

/**
 * Whether the table's lookups read a versioned store: every store its value getter reads (its own,
 * or the one a filter/mapValues inherits) comes from a store builder or supplier flagged
 * `versioned: true` (Stores' versioned key-value store suppliers set it). Materializes a source
 * table that is not materialized yet, as a stream-table join does anyway.
 */
export function isVersionedTable(table: KTable<any, any>): boolean {
  const storeNames = table.valueGetterSupplier().storeNames
  if (storeNames.length === 0) return false
  return storeNames.every((name) => {
    const builder = table.builder.stores.get(name)?.builder as { versioned?: unknown; supplier?: { versioned?: unknown } } | undefined
    return builder?.versioned === true || builder?.supplier?.versioned === true
  })
}

/**
 * Kafka Streams refuses a stream-table join with a grace period on a table that is not versioned.
 * As there, a table with its own materialization is checked at once; one that inherits its
 * parent's store (filter, mapValues) is checked when the topology is built.
 */
export function requireVersionedForGrace(table: KTable<any, any>, gracePeriodMs: number | null, joinName: string): void {
  if (gracePeriodMs === null) return
  const check = () => {
    if (isVersionedTable(table)) return
    const store = table.queryableStoreName ?? table.valueGetterSupplier().storeNames.join(', ')
    throw new TopologyError(
      `KTable must be versioned to use a grace period in a stream table join. ` +
        `Join ${joinName}: table ${table.name} (store ${store}) is not versioned; materialize it with a versioned store ` +
        `(Materialized.as(Stores.persistentVersionedKeyValueStore(name, historyRetentionMs))) or remove Joined.withGracePeriod`,
    )
  }
  if (table.valueSource instanceof DerivedValueSource) table.builder.buildChecks.push(check)
  else check()
}
