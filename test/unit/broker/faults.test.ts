import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { EmbeddedKafka } from '../../../broker/index.js'
import { ApiVersions, Metadata, RawClient } from './raw-client.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function broker(opts: Parameters<typeof EmbeddedKafka.start>[0] = {}): Promise<EmbeddedKafka> {
  const k = await EmbeddedKafka.start({ port: 0, ...opts })
  cleanup.push(() => k.stop())
  return k
}

async function raw(k: EmbeddedKafka): Promise<RawClient> {
  const c = await RawClient.connect(k.port)
  cleanup.push(() => c.close())
  return c
}

function client(k: EmbeddedKafka) {
  return new Kafka({ brokers: k.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 8 } })
}

describe('fault injection', () => {
  it('failNext answers the next N requests of an API with the error, then recovers', async () => {
    const k = await broker()
    k.createTopic('t', 2)
    k.faults.failNext('Metadata', 2, 5)
    const c = await raw(k)
    const ask = async () => (await c.request(Metadata, 9, { topics: [{ name: 't' }], allowAutoTopicCreation: true })).body.topics[0]
    expect(await ask()).toMatchObject({ name: 't', errorCode: 5, partitions: [] })
    expect(await ask()).toMatchObject({ name: 't', errorCode: 5 })
    const ok = await ask()
    expect(ok.errorCode).toBe(0)
    expect(ok.partitions).toHaveLength(2)
  })

  it('a kafkajs producer retries through injected retriable produce errors and writes once', async () => {
    const k = await broker()
    k.createTopic('retry', 1)
    const producer = client(k).producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    cleanup.push(() => producer.disconnect())
    k.faults.failNext('produce', 2, 6) // NOT_LEADER_OR_FOLLOWER
    await producer.send({ topic: 'retry', messages: [{ value: 'once' }] })
    expect(k.internals.logs.partition('retry', 0)!.logEndOffset).toBe(1)
  })

  it('delay holds responses of one API until cleared', async () => {
    const k = await broker()
    const c = await raw(k)
    // A delay long enough that a slow answer on a loaded machine cannot pass for it.
    k.faults.delay('ApiVersions', 1000)
    let t = Date.now()
    await c.request(ApiVersions, 2, {})
    expect(Date.now() - t).toBeGreaterThanOrEqual(980)
    k.faults.clear()
    t = Date.now()
    await c.request(ApiVersions, 2, {})
    expect(Date.now() - t).toBeLessThan(900)
  })

  it('dropConnections closes every client connection; kafkajs reconnects', async () => {
    const k = await broker()
    k.createTopic('drop', 1)
    const c = await raw(k)
    const producer = client(k).producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    cleanup.push(() => producer.disconnect())
    await producer.send({ topic: 'drop', messages: [{ value: 'before' }] })
    k.faults.dropConnections()
    expect(await c.waitClosed()).toBe(true)
    await producer.send({ topic: 'drop', messages: [{ value: 'after' }] })
    expect(k.internals.logs.partition('drop', 0)!.logEndOffset).toBe(2)
  })

  it('rejects bad fault arguments with errors naming them', async () => {
    const k = await broker()
    expect(() => k.faults.failNext('Prodcue', 1, 6)).toThrow(/unknown Kafka API "Prodcue"/)
    expect(() => k.faults.failNext('Produce', 0, 6)).toThrow(/count must be a positive integer/)
    expect(() => k.faults.failNext(0, 1, 0)).toThrow(/non-zero Kafka error code/)
    expect(() => k.faults.delay('Fetch', -1)).toThrow(/non-negative/)
  })
})

describe('EmbeddedKafka lifecycle', () => {
  it('rejects unknown options and bad values', async () => {
    await expect(EmbeddedKafka.start({ prot: 1 } as never)).rejects.toThrow(/unknown option "prot"/)
    await expect(EmbeddedKafka.start({ defaultPartitions: 0 })).rejects.toThrow(/defaultPartitions/)
    await expect(EmbeddedKafka.start({ port: 70000 })).rejects.toThrow(/port/)
  })

  it('restart keeps the port, topics, records and committed offsets (data dir)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstreams-broker-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const k = await broker({ dataDir: dir, defaultPartitions: 3 })
    const kc = client(k)
    const producer = kc.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    await producer.send({ topic: 'kept', messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })
    await producer.disconnect()
    const admin = kc.admin()
    await admin.connect()
    await admin.setOffsets({ groupId: 'g', topic: 'kept', partitions: [{ partition: 0, offset: '1' }] })
    const port = k.port

    await k.restart()
    expect(k.port).toBe(port)
    const topics = await admin.listTopics()
    expect(topics).toContain('kept')
    const offsets = await admin.fetchTopicOffsets('kept')
    expect(offsets).toHaveLength(3)
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2)
    expect((await admin.fetchOffsets({ groupId: 'g', topics: ['kept'] }))[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('1')
    await admin.disconnect()
  })

  it('restart without a data dir keeps state in memory', async () => {
    const k = await broker()
    k.createTopic('mem', 1)
    const producer = client(k).producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    await producer.send({ topic: 'mem', messages: [{ value: 'x' }] })
    await k.restart()
    await producer.send({ topic: 'mem', messages: [{ value: 'y' }] })
    await producer.disconnect()
    expect(k.internals.logs.partition('mem', 0)!.logEndOffset).toBe(2)
  })

  it('disables auto-creation when asked', async () => {
    const k = await broker({ autoCreateTopics: false })
    const c = await raw(k)
    const r = await c.request(Metadata, 9, { topics: [{ name: 'nope' }], allowAutoTopicCreation: true })
    expect(r.body.topics[0]).toMatchObject({ name: 'nope', errorCode: 3 })
    expect(k.internals.logs.hasTopic('nope')).toBe(false)
  })
})
