import { InvalidStateStoreError } from '../../stores/internals/store-errors.js'
import type { ReadOnlyKeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'
import type { ReadOnlySessionStore } from '../../stores/session-store.js'
import type { StateStore } from '../../stores/state-store.js'
import type { ReadOnlyVersionedKeyValueStore } from '../../stores/versioned/versioned-store.js'
import type { ReadOnlyWindowStore } from '../../stores/window-store.js'
import type { Topology } from '../../topology/topology.js'
import { taskIdOf } from '../assignment/task-id.js'
import type { StreamsState } from '../lifecycle/streams-state.js'
import type { StreamThread } from '../processing/stream-thread.js'
import type { GlobalStores } from '../tasks/global-stores.js'
import type { RuntimeTopologyMetadata } from '../topics/metadata.js'
import { CompositeReadOnlyKeyValueStore } from './composite-key-value-store.js'
import { defaultPartition, lookupHosts, type KeyQueryMetadata } from './key-query-metadata.js'
import { sessionStoreView, storeTypeOf, windowStoreView, type QueryableStoreType } from './store-views.js'
import { versionedStoreView } from './versioned-store-view.js'

export type QueriedStore<K, V> = ReadOnlyKeyValueStore<K, V> | ReadOnlyWindowStore<K, V> | ReadOnlySessionStore<K, V> | ReadOnlyVersionedKeyValueStore<K, V>

/**
 * KafkaStreams.store(): checks that `name` is a store of the topology of the wanted type and that
 * the instance can be queried, then returns a view over the local instances `local` lists afresh
 * on every call.
 */
export function queryableStore<K, V>(
  topology: Topology,
  name: string,
  wantedType: QueryableStoreType | undefined,
  state: StreamsState,
  local: () => unknown[],
): QueriedStore<K, V> {
  const def = topology.builder.stores.get(name)
  if (!def) {
    const known = [...topology.builder.stores.keys()]
    throw new InvalidStateStoreError(name, `does not exist in this topology${known.length ? ` (stores: ${known.join(', ')})` : ''}`)
  }
  const wanted = wantedType ?? 'keyValue'
  if (wanted !== 'keyValue' && wanted !== 'window' && wanted !== 'session' && wanted !== 'versioned') {
    throw new InvalidStateStoreError(name, `cannot be queried as type ${JSON.stringify(wanted)}: expected 'keyValue', 'window', 'session' or 'versioned'`)
  }
  const { type, timestamped } = storeTypeOf(def.builder)
  if (type !== wanted) {
    throw new InvalidStateStoreError(name, `is a ${type} store, not a ${wanted} store; query it with store('${name}', { type: '${type}' })`)
  }
  if (state !== 'RUNNING' && state !== 'REBALANCING') {
    throw new InvalidStateStoreError(name, `cannot be queried while KafkaStreams is ${state}; wait for RUNNING`)
  }
  if (type === 'window') return windowStoreView<K, V>(name, local, timestamped)
  if (type === 'session') return sessionStoreView<K, V>(local)
  if (type === 'versioned') return versionedStoreView<K, V>(local)
  return new CompositeReadOnlyKeyValueStore<K, V>(name, local as () => ReadOnlyKeyValueStore<K, unknown>[], timestamped)
}

/**
 * The open instances of store `name` here: the global store, or one per task of `thread` (both
 * change with rebalances and thread replacement, so callers look them up on every query).
 */
export function localStores(globals: GlobalStores | null, thread: StreamThread | null, name: string, includeStandby: boolean): StateStore[] {
  const global = globals?.stores.get(name)
  if (global) return global.isOpen() ? [global] : []
  const out: StateStore[] = []
  const tasks: { getStore(name: string): StateStore | undefined }[] = [...(thread?.active.values() ?? [])].map(t => t.task)
  if (includeStandby) for (const s of thread?.standby.values() ?? []) tasks.push(s)
  for (const task of tasks) {
    const s = task.getStore(name)
    if (s && s.isOpen()) out.push(s)
  }
  return out
}

/**
 * KafkaStreams.queryMetadataForKey(): the partition of `key` in the sub-topology owning the store,
 * and the hosts holding it in `thread`'s last assignment.
 */
export function keyQueryMetadata<K>(
  meta: RuntimeTopologyMetadata,
  partitionCounts: ReadonlyMap<string, number>,
  thread: StreamThread | null,
  storeName: string,
  key: K,
  keySerde: Serde<K>,
): KeyQueryMetadata {
  const sub = meta.subtopologies.find(s => s.stores.some(st => st.name === storeName))
  if (!sub) throw new InvalidStateStoreError(storeName, 'is not a store of any sub-topology in this topology')
  const counts = sub.sourceTopics.map(t => partitionCounts.get(t) ?? 0)
  const n = Math.max(0, ...counts)
  if (n === 0) throw new Error(`queryMetadataForKey: partition counts are unknown until start() has run`)
  const bytes = keySerde.serialize(sub.sourceTopics[0]!, key)
  if (!bytes) throw new TypeError(`queryMetadataForKey: the key of store ${storeName} serialized to null`)
  const partition = defaultPartition(bytes, n)
  const hostMap = thread?.assignmentInfo?.hostMap ?? {}
  return { ...lookupHosts(hostMap, taskIdOf(sub.id, partition)), partition }
}
