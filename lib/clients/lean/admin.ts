import type { AdminClient, TopicPartitionOffset, TopicSpec } from '../types.js'
import { Cluster } from './cluster/cluster.js'
import { byTopic, perLeader } from './cluster/leaders.js'
import { EARLIEST, listOffsets } from './cluster/list-offsets.js'
import { sleep } from './cluster/retry.js'
import { KafkaResponseError } from './errors.js'
import { commitGroupOffsets, fetchGroupOffsets } from './group/offsets.js'
import { Api } from './net/apis.js'

const TOPIC_RESOURCE = 2
const ADMIN_TIMEOUT_MS = 30_000

/** The runtime's admin operations over the lean client's cluster view. */
export class LeanAdminClient implements AdminClient {
  constructor(private readonly cluster: Cluster) {}

  connect(): Promise<void> {
    return this.cluster.connect()
  }

  async disconnect(): Promise<void> {
    this.cluster.close()
  }

  listTopics(): Promise<string[]> {
    return this.cluster.listTopics()
  }

  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (topics.length === 0) return out
    for (const [name, info] of await this.cluster.metadata(topics, true)) out.set(name, info.partitions.length)
    return out
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return
    await this.cluster.retry(async () => {
      const conn = await this.cluster.controller()
      const res = await conn.request(Api.CreateTopics, {
        topics: specs.map(s => ({
          name: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: s.replicationFactor,
          assignments: [],
          configs: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
        timeoutMs: ADMIN_TIMEOUT_MS,
        validateOnly: false,
      })
      for (const t of res.topics) {
        if (t.errorCode !== 0 && t.errorCode !== 36) throw new KafkaResponseError(t.errorCode, conn.address, 'CreateTopics', `topic ${t.name}`, t.errorMessage)
      }
    })
    await this.waitForLeaders(specs.map(s => s.topic))
  }

  /** As kafkajs's waitForLeaders: returns once every partition of the topics has a leader. */
  private async waitForLeaders(topics: readonly string[]): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const meta = await this.cluster.metadata(topics, true)
      if (topics.every(t => meta.get(t)?.partitions.every(p => p && p.leader >= 0))) return
      await sleep(100)
    }
  }

  async topicConfigs(topics: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>()
    if (topics.length === 0) return out
    const res = await this.cluster.retry(() => this.cluster.any().request(Api.DescribeConfigs, {
      resources: topics.map(resourceName => ({ resourceType: TOPIC_RESOURCE, resourceName, configurationKeys: null })),
      includeSynonyms: false,
    }))
    for (const r of res.results) {
      if (r.errorCode !== 0) throw new KafkaResponseError(r.errorCode, this.cluster.any().address, 'DescribeConfigs', `topic ${r.resourceName}`, r.errorMessage)
      const cfg: Record<string, string> = {}
      for (const c of r.configs) if (c.value !== null) cfg[c.name] = c.value
      out.set(r.resourceName, cfg)
    }
    return out
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return
    await this.cluster.retry(async () => {
      const conn = await this.cluster.controller()
      const res = await conn.request(Api.DeleteTopics, v => v >= 6
        ? { topics: topics.map(name => ({ name, topicId: Buffer.alloc(16) })), timeoutMs: ADMIN_TIMEOUT_MS }
        : { topicNames: [...topics], timeoutMs: ADMIN_TIMEOUT_MS })
      for (const t of res.responses) {
        // Deleting what is already gone is done.
        if (t.errorCode !== 0 && t.errorCode !== 3) throw new KafkaResponseError(t.errorCode, conn.address, 'DeleteTopics', `topic ${t.name}`, t.errorMessage)
      }
    })
    for (const t of topics) this.cluster.invalidate(t)
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    if (topics.length === 0) return []
    const counts = await this.partitionCounts(topics)
    const partitions = [...counts].flatMap(([topic, n]) => Array.from({ length: n }, (_, partition) => ({ topic, partition })))
    if (partitions.length === 0) return []
    return (await fetchGroupOffsets(this.cluster, groupId, partitions)).filter(o => o.offset >= 0)
  }

  async deleteRecordsBefore(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return
    await perLeader<TopicPartitionOffset, null>(this.cluster, offsets, async (conn, items) => {
      const res = await conn.request(Api.DeleteRecords, {
        topics: [...byTopic(items)].map(([name, ps]) => ({ name, partitions: ps.map(p => ({ partitionIndex: p.partition, offset: p.offset })) })),
        timeoutMs: ADMIN_TIMEOUT_MS,
      })
      const failed: { item: TopicPartitionOffset; error: KafkaResponseError }[] = []
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === 0) continue
          const item = items.find(i => i.topic === t.name && i.partition === p.partitionIndex)!
          failed.push({ item, error: new KafkaResponseError(p.errorCode, conn.address, 'DeleteRecords', `${t.name}-${p.partitionIndex}`) })
        }
      }
      return { done: [], failed }
    })
  }

  async resetOffsetsToEarliest(groupId: string, topic: string): Promise<void> {
    const count = (await this.partitionCounts([topic])).get(topic)
    if (count === undefined) throw new KafkaResponseError(3, this.cluster.any().address, 'Metadata', `topic ${topic}`)
    const partitions = Array.from({ length: count }, (_, partition) => ({ topic, partition }))
    const starts = await listOffsets(this.cluster, partitions, EARLIEST)
    // As an admin tool: no generation and no member, which the coordinator accepts only for an empty group.
    await commitGroupOffsets(this.cluster, groupId, { generationId: -1, memberId: '', groupInstanceId: null },
      partitions.map(p => ({ ...p, offset: starts.get(`${p.topic}\u0000${p.partition}`)!, metadata: null })))
  }
}
