import kafkajs, { type Admin, type Kafka } from 'kafkajs'

// Node's CommonJS export detection misses this enum; take it from the default export.
const { ConfigResourceTypes } = kafkajs
import type { AdminClient, TopicPartitionOffset, TopicSpec } from '../types.js'

export class KafkajsAdminClient implements AdminClient {
  private readonly admin: Admin

  constructor(kafka: Kafka) {
    this.admin = kafka.admin()
  }

  connect(): Promise<void> {
    return this.admin.connect()
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect()
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics()
  }

  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (topics.length === 0) return out
    const existing = new Set(await this.admin.listTopics())
    const present = topics.filter(t => existing.has(t))
    if (present.length === 0) return out
    const meta = await this.admin.fetchTopicMetadata({ topics: present })
    for (const t of meta.topics) out.set(t.name, t.partitions.length)
    return out
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: specs.map(s => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
      })),
    })
  }

  async topicConfigs(topics: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>()
    if (topics.length === 0) return out
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map(name => ({ type: ConfigResourceTypes.TOPIC, name })),
    })
    for (const r of res.resources) {
      const cfg: Record<string, string> = {}
      for (const e of r.configEntries) cfg[e.configName] = e.configValue
      out.set(r.resourceName, cfg)
    }
    return out
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length > 0) await this.admin.deleteTopics({ topics: [...topics] })
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    if (topics.length === 0) return []
    const res = await this.admin.fetchOffsets({ groupId, topics: [...topics] })
    const out: TopicPartitionOffset[] = []
    for (const t of res) {
      for (const p of t.partitions) {
        const offset = Number(p.offset)
        if (offset >= 0) out.push({ topic: t.topic, partition: p.partition, offset, metadata: p.metadata ?? null })
      }
    }
    return out
  }

  async deleteRecordsBefore(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>()
    for (const o of offsets) {
      if (!byTopic.has(o.topic)) byTopic.set(o.topic, [])
      byTopic.get(o.topic)!.push({ partition: o.partition, offset: String(o.offset) })
    }
    for (const [topic, partitions] of byTopic) await this.admin.deleteTopicRecords({ topic, partitions })
  }

  resetOffsetsToEarliest(groupId: string, topic: string): Promise<void> {
    return this.admin.resetOffsets({ groupId, topic, earliest: true })
  }
}
