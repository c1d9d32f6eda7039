import type { KTable as KTableType } from '../dsl/ktable.js'
import { KTable } from '../dsl/ktable.js'
import { requireFunction } from '../dsl/kstream.js'
import { keyValueStoreBuilder, syncSerde } from '../dsl/materialize.js'
import { versionedHistoryRetention } from '../dsl/versioned-table.js'
import { StoreValueSource } from '../dsl/table-value-sources.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import type { TableValueSource, ValueGetterSupplier } from '../dsl/table-value-sources.js'
import { TopologyError } from '../internals/topology-error.js'
import type { Materialized } from '../options/materialized.js'
import { TableJoinMergerProcessor } from './table-join-merger.js'
import type { TableJoiner, TableJoinKind } from './table-table-join-logic.js'
import { joinResultGetter, TableTableJoinProcessor } from './table-table-join.js'

const PREFIX: Record<TableJoinKind, [string, string]> = {
  inner: ['KTABLE-JOINTHIS-', 'KTABLE-JOINOTHER-'],
  left: ['KTABLE-LEFTTHIS-', 'KTABLE-LEFTOTHER-'],
  outer: ['KTABLE-OUTERTHIS-', 'KTABLE-OUTEROTHER-'],
}

/**
 * KTable.join / leftJoin / outerJoin (Kafka Streams' KTableImpl.doJoin): an update on either side
 * looks up the other table and forwards the new join result with the previous one, so deletes and
 * updates propagate correctly (tombstones when a result disappears). Both tables must be
 * co-partitioned; the result is materialized only when `materialized` is given.
 */
export function tableTableJoin<K, VL, VR, VOut>(
  left: KTableType<K, VL>,
  right: KTableType<K, VR>,
  joiner: TableJoiner<VL, VR, VOut>,
  materialized: Materialized<K, VOut> | undefined,
  kind: TableJoinKind,
): KTable<K, VOut> {
  const op = kind === 'inner' ? 'join' : kind === 'left' ? 'leftJoin' : 'outerJoin'
  requireFunction(joiner, op, 'value joiner')
  if (!(right instanceof KTable)) throw new TypeError(`${op}: the other side must be a KTable`)
  if (left.builder !== right.builder) throw new TopologyError(`${op}: both tables must come from the same StreamsBuilder`)
  const builder = left.builder
  const [thisPrefix, otherPrefix] = PREFIX[kind]
  const joinThisName = builder.newProcessorName(thisPrefix)
  const joinOtherName = builder.newProcessorName(otherPrefix)
  const mergeName = builder.newProcessorName('KTABLE-MERGE-')
  const flag: SendOldValuesFlag = { sendOldValues: false }
  const sendOld = () => flag.sendOldValues

  // Left/outer joins tell a delete from "no change" by the old value, so their outer sides send it (as Kafka Streams).
  if (kind !== 'inner') left.enableSendingOldValues(true)
  if (kind === 'outer') right.enableSendingOldValues(true)
  const leftGetter = left.valueGetterSupplier() as ValueGetterSupplier<K, unknown>
  const rightGetter = right.valueGetterSupplier() as ValueGetterSupplier<K, unknown>
  builder.addProcessor(joinThisName, () => new TableTableJoinProcessor<K, VL, VR, VOut>(kind, 'left', rightGetter, joiner, sendOld), left.name)
  builder.addProcessor(joinOtherName, () => new TableTableJoinProcessor<K, VL, VR, VOut>(kind, 'right', leftGetter, joiner, sendOld), right.name)
  if (rightGetter.storeNames.length > 0) builder.connectProcessorAndStateStores(joinThisName, ...rightGetter.storeNames)
  if (leftGetter.storeNames.length > 0) builder.connectProcessorAndStateStores(joinOtherName, ...leftGetter.storeNames)

  const storeName = materialized ? (materialized.storeName ?? builder.newStoreName('KTABLE-MERGE-')) : null
  builder.addProcessor(mergeName, () => new TableJoinMergerProcessor<K, VOut>(storeName, sendOld), joinThisName, joinOtherName)
  const keySerde = (materialized?.keySerde ?? left.keySerde) as KTableType<K, VOut>['keySerde']
  const valueSerde = (materialized?.valueSerde ?? null) as KTableType<K, VOut>['valueSerde']
  if (storeName !== null) {
    builder.addStateStore(keyValueStoreBuilder(storeName, materialized, syncSerde(keySerde), syncSerde(valueSerde)), mergeName)
  }
  // the result is versioned only when materialized in a versioned store (KIP-914), whatever its inputs
  const historyRetention = versionedHistoryRetention(materialized)
  const resultStore = storeName === null ? null : new StoreValueSource<K, VOut>(storeName, flag, historyRetention)
  builder.copartitionSources([...left.sourceNodes, ...right.sourceNodes])

  const source: TableValueSource<K, VOut> = {
    enableSendingOldValues: () => {
      // The join computes old results from the old values of both inputs.
      left.enableSendingOldValues(true)
      right.enableSendingOldValues(true)
      flag.sendOldValues = true
      return true
    },
    sendingOldValueEnabled: () => flag.sendOldValues,
    valueGetterSupplier: () =>
      resultStore !== null
        ? resultStore.valueGetterSupplier()
        : joinResultGetter<K, VL, VR, VOut>(kind, leftGetter as ValueGetterSupplier<K, VL>, rightGetter as ValueGetterSupplier<K, VR>, joiner),
    isVersioned: () => historyRetention !== null,
    historyRetention: () => historyRetention,
  }
  const queryable = materialized?.storeName ? storeName : null
  return new KTable<K, VOut>(builder, mergeName, keySerde, valueSerde, new Set([...left.sourceNodes, ...right.sourceNodes]), queryable, source)
}
