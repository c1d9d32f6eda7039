// kafkajs's transactional producer and read_committed consumer against the embedded broker:
// commits are visible, aborts are not, offsets sent in a transaction land at commit, and a second
// producer with the same transactional id fences the first.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs'
import { EmbeddedKafka } from '../../../broker/index.js'

let broker: EmbeddedKafka
let kafka: Kafka
const open: (Producer | Consumer)[] = []

beforeAll(async () => {
  broker = await EmbeddedKafka.start({ port: 0 })
  broker.createTopic('tx-out', 2)
  broker.createTopic('tx-in', 1)
  kafka = new Kafka({ clientId: 'txn-test', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } })
})

afterAll(async () => {
  for (const c of open) await c.disconnect().catch(() => {})
  await broker?.stop()
})

async function transactionalProducer(transactionalId: string): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  open.push(producer)
  await producer.connect()
  return producer
}

/** Values of 'tx-out' as a consumer with the given isolation sees them, read from the beginning. */
async function readAll(readUncommitted: boolean, expected: number, client = kafka): Promise<string[]> {
  const consumer = client.consumer({ groupId: `reader-${readUncommitted}-${Date.now()}`, readUncommitted, maxWaitTimeInMs: 50 })
  open.push(consumer)
  await consumer.connect()
  await consumer.subscribe({ topic: 'tx-out', fromBeginning: true })
  const values: string[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => resolve(), 8000)
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString())
        if (values.length >= expected) {
          clearTimeout(timer)
          // give a moment for anything unexpected to arrive after the expected count
          setTimeout(resolve, 300)
        }
      },
    }).catch(reject)
  })
  await consumer.disconnect()
  return values.sort()
}

describe('kafkajs transactions against EmbeddedKafka', () => {
  it('shows committed records to read_committed consumers and hides aborted ones', async () => {
    const producer = await transactionalProducer('txn-kafkajs-1')

    const t1 = await producer.transaction()
    await t1.send({ topic: 'tx-out', messages: [{ key: 'a', value: 'c1', partition: 0 }, { key: 'b', value: 'c2', partition: 1 }] })
    await t1.commit()

    const t2 = await producer.transaction()
    await t2.send({ topic: 'tx-out', messages: [{ key: 'a', value: 'aborted-1', partition: 0 }, { key: 'b', value: 'aborted-2', partition: 1 }] })
    await t2.abort()

    const t3 = await producer.transaction()
    await t3.send({ topic: 'tx-out', messages: [{ key: 'c', value: 'c3', partition: 0 }] })
    await t3.sendOffsets({ consumerGroupId: 'txn-app', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '17' }] }] })
    await t3.commit()

    expect(await readAll(false, 3)).toEqual(['c1', 'c2', 'c3'])
    expect(await readAll(true, 5)).toEqual(['aborted-1', 'aborted-2', 'c1', 'c2', 'c3'])

    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchOffsets({ groupId: 'txn-app', topics: ['tx-in'] })
    await admin.disconnect()
    expect(offsets[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '17' })])

    const p0 = broker.internals.logs.partition('tx-out', 0)!
    expect(p0.lastStableOffset).toBe(p0.logEndOffset)
  })

  it('fences the older producer once a new one initializes the same transactional id', async () => {
    const zombie = await transactionalProducer('txn-kafkajs-fence')
    const t = await zombie.transaction()
    await t.send({ topic: 'tx-out', messages: [{ key: 'z', value: 'zombie', partition: 1 }] })

    const successor = await transactionalProducer('txn-kafkajs-fence') // aborts the zombie's transaction
    const s = await successor.transaction()
    await s.send({ topic: 'tx-out', messages: [{ key: 's', value: 'successor', partition: 1 }] })
    await s.commit()

    await expect(t.commit()).rejects.toThrow(/epoch|fenced/i)
    const state = broker.internals.transactions.describe('txn-kafkajs-fence')!
    expect(state.state).toBe('CompleteCommit')
    expect(state.producerEpoch).toBeGreaterThanOrEqual(2)
    const committed = await readAll(false, 4)
    expect(committed).toContain('successor')
    expect(committed).not.toContain('zombie')
  })

  it('keeps committed transactions across a restart on the same data dir; the one left open stays open until a new instance fences it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kstreams-txn-restart-'))
    let first: EmbeddedKafka | null = await EmbeddedKafka.start({ port: 0, dataDir })
    let second: EmbeddedKafka | null = null
    try {
      first.createTopic('tx-out', 1)
      const client = new Kafka({ clientId: 'restart', brokers: first.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } })
      const producer = client.producer({ transactionalId: 'txn-restart', idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      const done = await producer.transaction()
      await done.send({ topic: 'tx-out', messages: [{ value: 'durable' }] })
      await done.commit()
      const open = await producer.transaction()
      await open.send({ topic: 'tx-out', messages: [{ value: 'in-flight' }] })
      await producer.disconnect()
      await first.stop()
      first = null

      second = await EmbeddedKafka.start({ port: 0, dataDir })
      const log = second.internals.logs.partition('tx-out', 0)!
      // As in Kafka, the open transaction survives the restart: still Ongoing, its record unstable.
      expect(second.internals.transactions.describe('txn-restart')!.state).toBe('Ongoing')
      expect(log.lastStableOffset).toBe(2)
      const again = new Kafka({ clientId: 'restart-2', brokers: second.brokers, logLevel: logLevel.NOTHING })
      // A new instance with the same transactional id fences the old producer and aborts its transaction.
      const next = again.producer({ transactionalId: 'txn-restart', idempotent: true, maxInFlightRequests: 1 })
      await next.connect()
      await (await next.transaction()).abort() // kafkajs initializes its producer id on the first transaction
      await next.disconnect()
      expect(second.internals.transactions.describe('txn-restart')!.producerEpoch).toBe(2)
      expect(second.internals.transactions.describe('txn-restart')!.state).not.toBe('Ongoing')
      expect(log.lastStableOffset).toBe(log.logEndOffset)
      expect(await readAll(false, 1, again)).toEqual(['durable'])
      expect(await readAll(true, 2, again)).toEqual(['durable', 'in-flight'])
    } finally {
      await first?.stop()
      await second?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('writes a retried idempotent batch once, acknowledging the retry with the original offset', async () => {
    broker.createTopic('idem-out', 1)
    const client = new Kafka({ clientId: 'idem', brokers: broker.brokers, logLevel: logLevel.NOTHING, requestTimeout: 300, retry: { retries: 5, initialRetryTime: 50 } })
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 })
    open.push(producer)
    await producer.connect()
    await producer.send({ topic: 'idem-out', messages: [{ value: 'first' }] })
    broker.faults.delay('Produce', 600) // the broker appends, the answer comes too late: kafkajs resends
    const undelay = setTimeout(() => broker.faults.clear('Produce'), 150) // only the first attempt is late
    try {
      const [ack] = await producer.send({ topic: 'idem-out', messages: [{ value: 'once' }] })
      expect(ack.baseOffset).toBe('1')
    } finally {
      clearTimeout(undelay)
      broker.faults.clear('Produce')
    }
    await producer.send({ topic: 'idem-out', messages: [{ value: 'after' }] })
    const log = broker.internals.logs.partition('idem-out', 0)!
    expect(log.logEndOffset).toBe(3)
  })
})
