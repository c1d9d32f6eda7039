import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Fetch, Produce, RawClient } from './raw-client.js'
import { decodeProduceRequest } from '../../../protocol/index.js'

const require = createRequire(import.meta.url)
let kafka: EmbeddedKafka
const clients: RawClient[] = []

beforeAll(async () => { kafka = await EmbeddedKafka.start({ port: 0 }) })
afterAll(async () => {
  for (const c of clients) c.close()
  await kafka.stop()
})

async function raw(): Promise<RawClient> {
  const c = await RawClient.connect(kafka.port)
  clients.push(c)
  return c
}

/** One v2 record batch holding `value`, encoded by kafkajs. */
async function batch(value: string): Promise<Buffer> {
  const req = require('kafkajs/src/protocol/requests/produce/v3/request')({
    acks: 1, timeout: 1000, topicData: [{ topic: 'x', partitions: [{ partition: 0, messages: [{ value }] }] }],
  })
  return decodeProduceRequest((await req.encode()).buffer, 3).topicData[0]!.partitionData[0]!.records!
}

async function produce(c: RawClient, topic: string, value: string): Promise<void> {
  const r = await c.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: await batch(value) }] }] })
  expect(r.body.responses[0].partitionResponses[0].errorCode).toBe(0)
}

function fetchBody(topic: string, offset: number, minBytes: number, maxWaitMs: number) {
  return {
    replicaId: -1, maxWaitMs, minBytes, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }
}

describe('Fetch long poll', () => {
  it('waits for minBytes: a small append does not answer, enough bytes do', async () => {
    kafka.createTopic('minbytes', 1)
    const fetcher = await raw()
    const producer = await raw()
    const t = Date.now()
    // maxWaitMs far above the expected ~0.5 s, so "answered on enough bytes" cannot be confused
    // with "answered at maxWaitMs" however slow the machine
    const pending = fetcher.request(Fetch, 11, fetchBody('minbytes', 0, 300, 20_000), 25_000)
    await new Promise((r) => setTimeout(r, 200))
    await produce(producer, 'minbytes', 'small') // one batch of ~75 bytes: below minBytes
    await new Promise((r) => setTimeout(r, 300))
    await produce(producer, 'minbytes', 'x'.repeat(400))
    const r = await pending
    const elapsed = Date.now() - t
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(10_000)
    const part = r.body.responses[0].partitions[0]
    expect(part.highWatermark).toBe(2)
    expect(part.records.length).toBeGreaterThanOrEqual(300)
  })

  it('answers with what is there once maxWaitMs passes', async () => {
    kafka.createTopic('maxwait', 1)
    const fetcher = await raw()
    const t = Date.now()
    const r = await fetcher.request(Fetch, 11, fetchBody('maxwait', 0, 1, 400))
    expect(Date.now() - t).toBeGreaterThanOrEqual(380)
    expect(r.body.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 })
    expect(r.body.responses[0].partitions[0].records.length).toBe(0)
  })

  it('answers at once for an unknown partition or an offset out of range', async () => {
    kafka.createTopic('errors', 1)
    const fetcher = await raw()
    const t = Date.now()
    const unknown = await fetcher.request(Fetch, 11, fetchBody('no-such-topic', 0, 1, 20_000), 25_000)
    expect(unknown.body.responses[0].partitions[0].errorCode).toBe(3)
    const outOfRange = await fetcher.request(Fetch, 11, fetchBody('errors', 99, 1, 20_000), 25_000)
    expect(outOfRange.body.responses[0].partitions[0].errorCode).toBe(1)
    expect(Date.now() - t).toBeLessThan(10_000) // not held for maxWaitMs (20 s each)
  })

  it('returns the stored batch bytes unchanged apart from the base offset', async () => {
    kafka.createTopic('bytes', 1)
    const c = await raw()
    await produce(c, 'bytes', 'first')
    const sent = await batch('second')
    const r0 = await c.request(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'bytes', partitionData: [{ index: 0, records: sent }] }] })
    expect(r0.body.responses[0].partitionResponses[0].baseOffset).toBe(1)
    const r = await c.request(Fetch, 12, fetchBody('bytes', 1, 1, 0))
    const got: Buffer = r.body.responses[0].partitions[0].records
    expect(got.readBigInt64BE(0)).toBe(1n)
    expect(got.subarray(8)).toEqual(sent.subarray(8))
  })
})
