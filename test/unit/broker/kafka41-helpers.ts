// Helpers for the Kafka 4.1 behaviour tests: a broker, raw clients, record batches.
import { createRequire } from 'node:module'
import { decodeProduceRequest } from '../../../protocol/index.js'
import { EmbeddedKafka } from '../../../broker/index.js'
import { CreateTopics, Produce, RawClient } from './raw-client.js'

const require = createRequire(import.meta.url)

/** One v2 record batch holding `value`, encoded by kafkajs. */
export async function batch(value: string): Promise<Buffer> {
  const req = require('kafkajs/src/protocol/requests/produce/v3/request')({
    acks: 1, timeout: 1000, topicData: [{ topic: 'x', partitions: [{ partition: 0, messages: [{ value }] }] }],
  })
  return decodeProduceRequest((await req.encode()).buffer, 3).topicData[0]!.partitionData[0]!.records!
}

export class Harness {
  kafka!: EmbeddedKafka
  private readonly clients: RawClient[] = []

  async start(): Promise<void> { this.kafka = await EmbeddedKafka.start({ port: 0 }) }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close()
    await this.kafka.stop()
  }

  async raw(): Promise<RawClient> {
    const c = await RawClient.connect(this.kafka.port)
    this.clients.push(c)
    return c
  }

  /** Creates a topic with CreateTopics v7 and returns its id. */
  async createTopic(c: RawClient, name: string, partitions: number): Promise<Buffer> {
    const r = await c.request(CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false })
    const t = r.body.topics[0]
    if (t.errorCode !== 0) throw new Error(`create ${name}: error ${t.errorCode}`)
    return t.topicId
  }

  /** Produces one record with Produce v9 (by name) and returns its offset. */
  async produce(c: RawClient, topic: string, partition: number, value: string): Promise<number> {
    const r = await c.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: await batch(value) }] }] })
    const p = r.body.responses[0].partitionResponses[0]
    if (p.errorCode !== 0) throw new Error(`produce ${topic}-${partition}: error ${p.errorCode}`)
    return p.baseOffset
  }
}
