import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Kafka, logLevel, Partitioners, type Consumer } from 'kafkajs'
import { EmbeddedKafka } from '../../broker/index.js'
import { fixKafkajsReadCommitted } from '../../lib/kafkajs.js'
import type { GroupAssignor } from '../../lib/clients/types.js'

/** A cluster for a suite: EmbeddedKafka, or a real one when KAFKA_BROKERS is set. */
export interface TestCluster {
  brokers: string[]
  kafka: Kafka
  embedded: EmbeddedKafka | null
  stop(): Promise<void>
}

export async function startCluster(): Promise<TestCluster> {
  const env = process.env.KAFKA_BROKERS
  const embedded = env ? null : await EmbeddedKafka.start({ port: 0 })
  const brokers = env ? env.split(',') : embedded!.brokers
  // Verifying readers read exactly-once output: kafkajs needs the aborted-transaction fix for that.
  const kafka = fixKafkajsReadCommitted(new Kafka({ clientId: 'kstreams-test', brokers, logLevel: logLevel.NOTHING }))
  return {
    brokers,
    kafka,
    embedded,
    async stop() {
      await embedded?.stop()
    },
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export async function createTopics(kafka: Kafka, topics: { topic: string; numPartitions: number; configEntries?: { name: string; value: string }[] }[]): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics, waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
}

export async function produce(kafka: Kafka, topic: string, messages: { key: string | null; value: string | null }[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  try {
    await producer.send({ topic, messages })
  } finally {
    await producer.disconnect()
  }
}

export interface ConsumedRecord {
  key: Buffer | null
  value: Buffer | null
  partition: number
  offset: string
}

/**
 * Reads a topic from the beginning until `until(records)` holds or the timeout passes
 * (read_committed unless told otherwise).
 */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  until: (records: ConsumedRecord[]) => boolean,
  opts: { timeoutMs?: number; readUncommitted?: boolean } = {},
): Promise<ConsumedRecord[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('verify'), readUncommitted: opts.readUncommitted ?? false, maxWaitTimeInMs: 100 })
  const records: ConsumedRecord[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => resolve(), opts.timeoutMs ?? 20_000)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            records.push({ key: message.key, value: message.value, partition, offset: message.offset })
            if (until(records)) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return records
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** A plain round-robin assignor over every subscribed partition, for client tests without the streams assignor. */
export const roundRobinAssignor: GroupAssignor = {
  name: 'roundrobin',
  version: 0,
  subscriptionUserData: () => null,
  assign(members, partitionCounts) {
    const ids = members.map(m => m.memberId).sort()
    const out = new Map(ids.map(id => [id, new Map<string, number[]>()]))
    let i = 0
    const topics = [...new Set(members.flatMap(m => m.topics))].sort()
    for (const topic of topics) {
      for (let p = 0; p < (partitionCounts.get(topic) ?? 0); p++) {
        const byTopic = out.get(ids[i++ % ids.length]!)!
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), p])
      }
    }
    return ids.map(memberId => ({
      memberId,
      partitions: [...out.get(memberId)!].map(([topic, partitions]) => ({ topic, partitions })),
      userData: null,
    }))
  },
}
