import type { FetchRequest, FetchResponse } from '../../../../protocol/messages/fetch.js'
import type { TopicPartitionOffset } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { byTopic } from '../cluster/leaders.js'

const READ_COMMITTED = 1
export const PARTITION_MAX_BYTES = 4 * 1024 * 1024
const MAX_BYTES = 16 * 1024 * 1024

/**
 * A full (sessionless) read_committed Fetch of the given positions. From v13 topics are named by
 * id, so their ids must be in the metadata cache; the caller maps them back with `topicOf`.
 */
export function fetchRequest(cluster: Cluster, version: number, positions: readonly TopicPartitionOffset[], maxWaitMs: number): FetchRequest {
  const byId = version >= 13
  return {
    ...(version < 15 ? { replicaId: -1 } : {}),
    maxWaitMs,
    minBytes: 1,
    maxBytes: MAX_BYTES,
    isolationLevel: READ_COMMITTED,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...byTopic(positions)].map(([topic, ps]) => ({
      ...(byId ? { topicId: cluster.cached(topic)?.id ?? Buffer.alloc(16) } : { topic }),
      partitions: ps.map(p => ({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: PARTITION_MAX_BYTES })),
    })),
  }
}

/** The name of a response topic (by id from v13). */
export function topicOf(cluster: Cluster, t: FetchResponse['responses'][number]): string | undefined {
  return t.topic ?? (t.topicId ? cluster.topicName(t.topicId) : undefined)
}
