import type { Kafka } from 'kafkajs'
import type { FetchedRecord, PartitionReader, TopicPartition, TopicPartitionOffset } from '../types.js'
import { tpKey } from '../types.js'
import { fromKafkajsHeaders } from './headers.js'
import { createCluster, READ_COMMITTED, toBatch, type KafkajsCluster } from './kafkajs-internals.js'

const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024

/** Reads chosen partitions read_committed, without joining a group. */
export class KafkajsPartitionReader implements PartitionReader {
  private readonly cluster: KafkajsCluster
  private readonly knownTopics = new Set<string>()

  constructor(kafka: Kafka) {
    this.cluster = createCluster(kafka, { isolationLevel: READ_COMMITTED })
  }

  async connect(): Promise<void> {
    await this.cluster.connect()
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect()
  }

  private async ensureTopics(partitions: readonly TopicPartition[]): Promise<void> {
    const missing = [...new Set(partitions.map(p => p.topic))].filter(t => !this.knownTopics.has(t))
    if (missing.length === 0) return
    await this.cluster.addMultipleTargetTopics(missing)
    for (const t of missing) this.knownTopics.add(t)
  }

  private async offsets(partitions: readonly TopicPartition[], fromBeginning: boolean): Promise<Map<string, number>> {
    await this.ensureTopics(partitions)
    const byTopic = new Map<string, { partition: number }[]>()
    for (const p of partitions) {
      if (!byTopic.has(p.topic)) byTopic.set(p.topic, [])
      byTopic.get(p.topic)!.push({ partition: p.partition })
    }
    const res = await this.cluster.fetchTopicsOffset(
      [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps, fromBeginning })),
    )
    const out = new Map<string, number>()
    for (const t of res) for (const p of t.partitions) out.set(tpKey(t.topic, p.partition), Number(p.offset))
    return out
  }

  endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.offsets(partitions, false)
  }

  beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.offsets(partitions, true)
  }

  async fetch(positions: readonly TopicPartitionOffset[], maxWaitMs: number) {
    await this.ensureTopics(positions)
    // Group requests by partition leader.
    const byLeader = new Map<string, Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>>()
    const requested = new Map<string, number>()
    for (const p of positions) {
      requested.set(tpKey(p.topic, p.partition), p.offset)
      const leaders = this.cluster.findLeaderForPartitions(p.topic, [p.partition])
      for (const nodeId of Object.keys(leaders)) {
        if (!byLeader.has(nodeId)) byLeader.set(nodeId, new Map())
        const topics = byLeader.get(nodeId)!
        if (!topics.has(p.topic)) topics.set(p.topic, [])
        topics.get(p.topic)!.push({ partition: p.partition, fetchOffset: String(p.offset), maxBytes: MAX_BYTES_PER_PARTITION })
      }
    }
    const results: { topic: string; partition: number; records: FetchedRecord[]; nextOffset: number }[] = []
    await Promise.all(
      [...byLeader].map(async ([nodeId, topics]) => {
        const broker = await this.cluster.findBroker({ nodeId })
        const { responses } = await broker.fetch({
          isolationLevel: READ_COMMITTED,
          maxWaitTime: maxWaitMs,
          minBytes: 1,
          maxBytes: 16 * 1024 * 1024,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        })
        for (const { topicName, partitions } of responses) {
          for (const data of partitions) {
            const from = requested.get(tpKey(topicName, data.partition))!
            const batch = toBatch(topicName, from, data)
            const records: FetchedRecord[] = batch.messages.map(m => ({
              offset: Number(m.offset),
              key: m.key,
              value: m.value,
              timestamp: Number(m.timestamp),
              headers: fromKafkajsHeaders(m.headers),
            }))
            // Advance past everything the fetch returned, control and aborted records included;
            // an empty fetch leaves the position where it was.
            let next = from
            for (const m of batch.rawMessages) next = Math.max(next, Number(m.offset) + 1)
            results.push({ topic: topicName, partition: data.partition, records, nextOffset: next })
          }
        }
      }),
    )
    return results
  }
}
