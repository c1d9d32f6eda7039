import type { TopicPartition } from '../../types.js'
import { tpKey } from '../../types.js'
import { KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import type { Cluster } from './cluster.js'
import { byTopic, perLeader } from './leaders.js'

export const EARLIEST = -2
export const LATEST = -1

/**
 * ListOffsets from each partition's leader, read_committed: LATEST is the last stable offset,
 * EARLIEST the log start. Keyed by `tpKey`.
 */
export async function listOffsets(cluster: Cluster, partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (partitions.length === 0) return out
  const results = await perLeader<TopicPartition, [string, number]>(cluster, partitions, async (conn, items) => {
    let version = 0
    const res = await conn.request(Api.ListOffsets, v => {
      version = v
      return {
        replicaId: -1,
        ...(v >= 2 ? { isolationLevel: 1 } : {}),
        topics: [...byTopic(items)].map(([name, ps]) => ({ name, partitions: ps.map(p => ({ partitionIndex: p.partition, timestamp })) })),
      }
    })
    const done: [string, number][] = []
    const failed: { item: TopicPartition; error: KafkaResponseError }[] = []
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === 0) done.push([tpKey(t.name, p.partitionIndex), p.offset])
        else failed.push({ item: { topic: t.name, partition: p.partitionIndex }, error: new KafkaResponseError(p.errorCode, conn.address, `ListOffsets v${version}`, `${t.name}-${p.partitionIndex}`) })
      }
    }
    return { done, failed }
  })
  for (const [k, v] of results) out.set(k, v)
  return out
}
