// DSL result stores that are versioned (KIP-914): a filter, mapValues, join or aggregation
// materialized with a versioned store supplier. Kafka Streams' KeyValueStoreWrapper.put.
import type { Headers } from '../../../stores/state-store.js'
import { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED, type VersionedKeyValueStore } from '../../../stores/versioned/versioned-store.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Change } from '../change.js'

/** Whether a store a processor got from its context is versioned (its outer layer says so). */
export function isVersionedStore(store: unknown): store is VersionedKeyValueStore<any, any> {
  return typeof store === 'object' && store !== null && (store as { versioned?: unknown }).versioned === true
}

/**
 * Puts a result as the version at `timestamp` and forwards it: not at all when the store dropped
 * the write (older than its history retention), and marked `isLatest: false` when an older
 * version was written behind the latest, so table-state operators downstream skip it.
 */
export async function putVersionAndForward<K, V>(
  ctx: InternalProcessorContext<K, Change<V>>,
  store: VersionedKeyValueStore<K, V>,
  key: K,
  newValue: V | null,
  oldValue: V | null,
  timestamp: number,
  headers: Headers,
): Promise<void> {
  const code = await store.put(key, newValue, timestamp)
  if (code === PUT_RETURN_CODE_NOT_PUT) return
  const change: Change<V> = { newValue, oldValue }
  if (code !== PUT_RETURN_CODE_VALID_TO_UNDEFINED) change.isLatest = false
  await ctx.forward({ key, value: change, timestamp, headers })
}
