import type { FetchedRecord, PartitionReader, TopicPartition, TopicPartitionOffset } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { perLeader } from '../cluster/leaders.js'
import { EARLIEST, LATEST, listOffsets } from '../cluster/list-offsets.js'
import { KafkaResponseError } from '../errors.js'
import { Api } from '../net/apis.js'
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../net/options.js'
import { decodePartition } from './fetch-decode.js'
import { fetchRequest, topicOf } from './fetch-request.js'

type FetchResult = { topic: string; partition: number; records: FetchedRecord[]; nextOffset: number }

/** Reads chosen partitions read_committed, without a group (changelog restore, standbys, global tables). */
export class LeanPartitionReader implements PartitionReader {
  constructor(private readonly cluster: Cluster) {}

  connect(): Promise<void> {
    return this.cluster.connect()
  }

  async disconnect(): Promise<void> {
    this.cluster.close()
  }

  endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return listOffsets(this.cluster, partitions, LATEST)
  }

  beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return listOffsets(this.cluster, partitions, EARLIEST)
  }

  /** One fetch per leader, in parallel; partitions failing with a retriable error are fetched again after fresh metadata. */
  fetch(positions: readonly TopicPartitionOffset[], maxWaitMs: number): Promise<FetchResult[]> {
    if (positions.length === 0) return Promise.resolve([])
    const timeoutMs = (this.cluster.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + maxWaitMs
    return perLeader<TopicPartitionOffset, FetchResult>(this.cluster, positions, async (conn, items) => {
      let version = 0
      const res = await conn.request(Api.Fetch, v => {
        version = v
        return fetchRequest(this.cluster, v, items, maxWaitMs)
      }, { timeoutMs })
      if (res.errorCode) throw new KafkaResponseError(res.errorCode, conn.address, `Fetch v${version}`)
      const wanted = new Map(items.map(i => [`${i.topic}\u0000${i.partition}`, i]))
      const done: FetchResult[] = []
      const failed: { item: TopicPartitionOffset; error: KafkaResponseError }[] = []
      for (const t of res.responses) {
        const topic = topicOf(this.cluster, t)
        if (topic === undefined) continue
        for (const p of t.partitions) {
          const item = wanted.get(`${topic}\u0000${p.partitionIndex}`)
          if (!item) continue
          if (p.errorCode !== 0) {
            failed.push({ item, error: new KafkaResponseError(p.errorCode, conn.address, `Fetch v${version}`, `${topic}-${p.partitionIndex} at offset ${item.offset}`) })
            continue
          }
          const { records, nextOffset } = decodePartition(p, topic, item.offset, conn.address)
          done.push({ topic, partition: p.partitionIndex, records, nextOffset })
          wanted.delete(`${topic}\u0000${p.partitionIndex}`)
        }
      }
      // A full fetch answers every partition asked for: one left out is asked for again.
      for (const item of wanted.values()) {
        if (!failed.some(f => f.item === item)) {
          failed.push({ item, error: new KafkaResponseError(2, conn.address, `Fetch v${version}`, `${item.topic}-${item.partition}`, 'the response has no answer for this partition') })
        }
      }
      return { done, failed }
    })
  }
}
