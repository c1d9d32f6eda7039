import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { EmbeddedKafka } from '../../../broker/index.js'
import { decodeProduceRequest } from '../../../protocol/index.js'
import { ApiVersions, JoinGroup, Metadata, Produce, ListOffsets, RawClient } from './raw-client.js'

let kafka: EmbeddedKafka
const reasons: string[] = []
const clients: RawClient[] = []

beforeAll(async () => {
  kafka = await EmbeddedKafka.start({ port: 0, onConnectionError: (r) => reasons.push(r) })
})
afterAll(async () => {
  for (const c of clients) c.close()
  await kafka.stop()
})

async function raw(): Promise<RawClient> {
  const c = await RawClient.connect(kafka.port)
  clients.push(c)
  return c
}

function sizePrefixed(body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

// A record batch as kafkajs writes it, to produce over a raw connection.
async function batch(value: string): Promise<Buffer> {
  const { createRequire } = await import('node:module')
  const require = createRequire(import.meta.url)
  const req = require('kafkajs/src/protocol/requests/produce/v3/request')({
    acks: 1, timeout: 1000, topicData: [{ topic: 'x', partitions: [{ partition: 0, messages: [{ value }] }] }],
  })
  return decodeProduceRequest((await req.encode()).buffer, 3).topicData[0]!.partitionData[0]!.records!
}

describe('the broker survives bad input', () => {
  it('closes a connection that sends an unknown API key, and only that one', async () => {
    const good = await raw()
    const bad = await raw()
    const frame = Buffer.alloc(14)
    frame.writeInt16BE(999, 0) // api key
    frame.writeInt16BE(0, 2)
    frame.writeInt32BE(1, 4)
    frame.writeInt16BE(-1, 8) // client id null
    bad.write(sizePrefixed(frame))
    expect(await bad.waitClosed()).toBe(true)
    expect(reasons.some((r) => r.includes('unknown API key 999'))).toBe(true)
    const r = await good.request(ApiVersions, 2, {})
    expect(r.body.errorCode).toBe(0)
  })

  it('closes connections with absurd or negative length prefixes', async () => {
    for (const size of [0x7fffffff, 200_000_000, -5, 3]) {
      const c = await raw()
      const prefix = Buffer.alloc(4)
      prefix.writeInt32BE(size)
      c.write(prefix)
      expect(await c.waitClosed()).toBe(true)
    }
    expect(reasons.filter((r) => r.startsWith('invalid request size'))).toHaveLength(4)
  })

  it('closes a connection that sends garbage or a truncated body', async () => {
    const garbage = await raw()
    garbage.write(sizePrefixed(Buffer.from('this is not a kafka request at all')))
    expect(await garbage.waitClosed()).toBe(true)

    const truncated = await raw()
    const full = truncated.frame(JoinGroup, 5, { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'p', metadata: Buffer.alloc(50) }] }).bytes
    const cut = full.subarray(4, full.length - 20)
    truncated.write(sizePrefixed(cut))
    expect(await truncated.waitClosed()).toBe(true)
    expect(reasons.some((r) => r.startsWith('malformed request'))).toBe(true)
  })

  it('answers an unsupported ApiVersions version with a v0 UNSUPPORTED_VERSION listing the ranges', async () => {
    const c = await raw()
    const f = c.frame(ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })
    f.bytes.writeInt16BE(99, 6) // request api version
    c.write(f.bytes)
    const r = await c.response(ApiVersions, 0)
    expect(r.correlationId).toBe(f.correlationId)
    expect(r.body.errorCode).toBe(35)
    expect(r.body.apiKeys.find((k: { apiKey: number }) => k.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 3, maxVersion: 13 })
  })

  it('closes a connection that asks for an unsupported version of another API', async () => {
    const c = await raw()
    const f = c.frame(Metadata, 1, { topics: [] })
    f.bytes.writeInt16BE(77, 6)
    c.write(f.bytes)
    expect(await c.waitClosed()).toBe(true)
  })

  it('answers pipelined requests in order, and sends nothing for acks=0', async () => {
    kafka.createTopic('pipelined', 1)
    const c = await raw()
    const records = await batch('fire-and-forget')
    const frames = [
      c.frame(ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
      c.frame(Produce, 9, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'pipelined', partitionData: [{ index: 0, records }] }] }),
      c.frame(Metadata, 12, { topics: [{ name: 'pipelined' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
      c.frame(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'pipelined', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }] }),
    ]
    c.write(Buffer.concat(frames.map((f) => f.bytes)))
    const a = await c.response(ApiVersions, 3)
    const m = await c.response(Metadata, 12)
    const l = await c.response(ListOffsets, 7)
    expect([a.correlationId, m.correlationId, l.correlationId]).toEqual([frames[0]!.correlationId, frames[2]!.correlationId, frames[3]!.correlationId])
    expect(m.body.topics[0]).toMatchObject({ errorCode: 0, name: 'pipelined' })
    expect(l.body.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 1 })
  })

  it('still serves a kafkajs client after all of that', async () => {
    const client = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING })
    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const [r] = await producer.send({ topic: 'after-bad-input', messages: [{ value: 'ok' }] })
    expect(r!.errorCode).toBe(0)
    await producer.disconnect()
  })
})
