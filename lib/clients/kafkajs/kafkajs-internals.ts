import { createRequire } from 'node:module'
import type { Kafka } from 'kafkajs'

/*
 * kafkajs has no consumer with manual partition assignment. Restore and standby tasks need one,
 * so we drive its (pinned, 2.2.x) cluster and fetch batch classes directly: the same code its own
 * consumer uses, including read_committed filtering of aborted records and control batches.
 */
const require = createRequire(import.meta.url)

export interface KafkajsBroker {
  fetch(args: {
    replicaId?: number
    isolationLevel: number
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<{ responses: { topicName: string; partitions: KafkajsPartitionData[] }[] }>
}

export interface KafkajsPartitionData {
  partition: number
  errorCode: number
  highWatermark: string
  lastStableOffset?: string
  messages: { offset: string }[]
}

export interface KafkajsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addMultipleTargetTopics(topics: string[]): Promise<void>
  refreshMetadata(): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>
  fetchTopicsOffset(
    topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>
}

export interface KafkajsBatch {
  topic: string
  partition: number
  rawMessages: { offset: string }[]
  messages: {
    offset: string
    key: Buffer | null
    value: Buffer | null
    timestamp: string
    headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>
  }[]
}

export const READ_COMMITTED = 1

export function createCluster(kafka: Kafka, opts: { isolationLevel: number }): KafkajsCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find(s => s.description === 'private:Kafka:createCluster')
  if (!sym) throw new Error('Unsupported kafkajs version: cannot create a cluster for manual partition reads')
  const create = (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[sym]!
  return create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel: opts.isolationLevel })
}

const BatchClass = require('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: KafkajsPartitionData,
) => KafkajsBatch

export function toBatch(topic: string, fetchedOffset: number, data: KafkajsPartitionData): KafkajsBatch {
  return new BatchClass(topic, String(fetchedOffset), data)
}
