// Conformance: @kafkats/client against the broker. kafkats is a pure-TypeScript client written
// independently of kafkajs, on newer protocol versions (flexible versions, KIP-447 transactional
// offset commits, cooperative rebalancing), so it checks the broker where kafkajs never looks:
// admin, produce with every record field, group consumption with commit and resume, sharing
// partitions between members, and transactions with read_committed.
//
// With KAFKA_BROKERS set, the suite runs against that cluster instead of the embedded broker.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KafkaClient, type Consumer, type Message, type Producer } from '@kafkats/client'
import { Kafka, logLevel, type Admin as KafkajsAdmin } from 'kafkajs'
import { startCluster, unique as uniqueName, type ConformanceCluster } from './helpers/cluster.js'

let cluster: ConformanceCluster
let brokers: string[] = []
let client: KafkaClient
let kafkajsAdmin: KafkajsAdmin
const producers: Producer[] = []
const consumers: Consumer[] = []
const runs: Promise<void>[] = []
const memberClients: KafkaClient[] = []

const unique = (name: string) => uniqueName(`kafkats-${name}`)

async function freshTopic(name: string, partitions = 1): Promise<string> {
  const topic = unique(name)
  const [result] = await client.admin().createTopics([{ name: topic, numPartitions: partitions, replicationFactor: 1 }])
  expect(result).toMatchObject({ name: topic, errorCode: 0 })
  return topic
}

async function producer(config: Parameters<KafkaClient['producer']>[0] = {}): Promise<Producer> {
  const p = client.producer({ lingerMs: 0, ...config })
  producers.push(p)
  return p
}

/**
 * Runs a group consumer until `until(received)` holds (or `timeoutMs` passes), then stops it and
 * returns what it received. Stopping commits what the handler finished.
 */
async function consumeUntil(
  topic: string,
  config: Parameters<KafkaClient['consumer']>[0],
  until: (received: Message[]) => boolean,
  timeoutMs = 20_000,
): Promise<Message[]> {
  const consumer = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 100, ...config })
  consumers.push(consumer)
  const received: Message[] = []
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      consumer.stop()
      reject(new Error(`consumer of ${topic} timed out after ${timeoutMs} ms with ${received.length} records`))
    }, timeoutMs)
    const run = consumer.runEach(topic, async (message) => {
      received.push(message)
      if (until(received)) {
        clearTimeout(timer)
        resolve()
      }
    })
    runs.push(run.catch(() => {}))
    run.then(
      () => clearTimeout(timer),
      (err: unknown) => {
        clearTimeout(timer)
        reject(err as Error)
      },
    )
  })
  try {
    await done
  } finally {
    consumer.stop()
    await runs[runs.length - 1]
  }
  return received
}

const text = (b: Buffer | null | undefined) => (b == null ? null : b.toString('utf8'))

// Explicit record timestamps are an hour old, not fixed dates: with the default 7-day
// retention.ms a broker deletes records with older timestamps, as Kafka does.
const BASE_TS = Math.floor((Date.now() - 3_600_000) / 1000) * 1000

beforeAll(async () => {
  cluster = await startCluster()
  brokers = cluster.brokers
  client = new KafkaClient({ brokers, clientId: 'kafkats-conformance', logLevel: 'error' })
  await client.connect()
  kafkajsAdmin = new Kafka({ clientId: 'kafkats-conformance-check', brokers, logLevel: logLevel.NOTHING }).admin()
  await kafkajsAdmin.connect()
})

afterEach(async () => {
  for (const c of consumers) c.stop()
  consumers.length = 0
  await Promise.all(runs.splice(0))
  for (const c of memberClients.splice(0)) await c.disconnect().catch(() => {})
})

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => {})
  await kafkajsAdmin?.disconnect().catch(() => {})
  await client?.disconnect().catch(() => {})
  await cluster?.stop()
})

describe('@kafkats/client against the broker', () => {
  describe('admin and metadata', () => {
    it('creates, describes, lists and deletes topics', async () => {
      const admin = client.admin()
      const topic = await freshTopic('admin', 3)
      expect(await admin.listTopics()).toContain(topic)
      const [described] = await admin.describeTopics([topic])
      expect(described!.name).toBe(topic)
      expect(described!.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2])
      const cluster = await admin.describeCluster()
      expect(cluster.brokers.length).toBeGreaterThan(0)
      // Creating it again reports TOPIC_ALREADY_EXISTS (36) per topic rather than failing the call.
      const [again] = await admin.createTopics([{ name: topic, numPartitions: 3, replicationFactor: 1 }])
      expect(again!.errorCode).toBe(36)
      const [deleted] = await admin.deleteTopics([topic])
      expect(deleted!.errorCode).toBe(0)
      for (let i = 0; i < 50 && (await admin.listTopics()).includes(topic); i++) await new Promise((r) => setTimeout(r, 100))
      expect(await admin.listTopics()).not.toContain(topic)
    })

    it('reports earliest and latest offsets (ListOffsets)', async () => {
      const topic = await freshTopic('offsets', 2)
      const p = await producer()
      await p.send(topic, [0, 1, 2].map((i) => ({ value: Buffer.from(`v${i}`), partition: 0 })))
      const admin = client.admin()
      expect(await admin.fetchTopicOffsets(topic, [0, 1], 'earliest')).toEqual(new Map([[0, 0n], [1, 0n]]))
      expect(await admin.fetchTopicOffsets(topic, [0, 1], 'latest')).toEqual(new Map([[0, 3n], [1, 0n]]))
    })
  })

  describe('produce and consume', () => {
    it('produces every record field and a group consumer reads them back', async () => {
      const topic = await freshTopic('fields', 3)
      const p = await producer()
      const ts = new Date(BASE_TS)
      const results = await p.send(topic, [
        { key: 'k1', value: Buffer.from('v1'), partition: 1, headers: { trace: 'abc', bin: Buffer.from([0, 1, 2]) }, timestamp: ts },
        { key: 'k2', value: Buffer.from('v2'), partition: 1, timestamp: new Date(ts.getTime() + 1) },
        { key: null, value: Buffer.from('keyless'), partition: 2, timestamp: ts },
        { key: 'gone', value: null, partition: 2, timestamp: ts },
      ])
      expect(results.map((r) => [r.partition, r.offset])).toEqual([
        [1, 0n],
        [1, 1n],
        [2, 0n],
        [2, 1n],
      ])

      const received = await consumeUntil(topic, { groupId: unique('fields-group') }, (r) => r.length >= 4)
      received.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
      expect(
        received.map((m) => ({
          partition: m.partition,
          offset: m.offset,
          timestamp: m.timestamp,
          key: text(m.key),
          value: text(m.value),
        })),
      ).toEqual([
        { partition: 1, offset: 0n, timestamp: BigInt(BASE_TS), key: 'k1', value: 'v1' },
        { partition: 1, offset: 1n, timestamp: BigInt(BASE_TS + 1), key: 'k2', value: 'v2' },
        { partition: 2, offset: 0n, timestamp: BigInt(BASE_TS), key: null, value: 'keyless' },
        { partition: 2, offset: 1n, timestamp: BigInt(BASE_TS), key: 'gone', value: null },
      ])
      expect(text(received[0]!.headers.trace)).toBe('abc')
      expect(received[0]!.headers.bin).toEqual(Buffer.from([0, 1, 2]))
      expect(received[0]!.topic).toBe(topic)
    })

    it('keeps order within a partition across many batches', async () => {
      const topic = await freshTopic('order')
      const p = await producer({ lingerMs: 2, maxBatchBytes: 1024 })
      const values = Array.from({ length: 300 }, (_, i) => `m${i}`)
      await Promise.all(values.map((v) => p.send(topic, { value: Buffer.from(v) })))
      const received = await consumeUntil(topic, { groupId: unique('order-group') }, (r) => r.length >= 300)
      expect(received.map((m) => text(m.value))).toEqual(values)
      expect(received.map((m) => m.offset)).toEqual(values.map((_, i) => BigInt(i)))
    })

    it('round-trips gzip-compressed batches', async () => {
      const topic = await freshTopic('gzip')
      const p = await producer({ compression: 'gzip', lingerMs: 20 })
      const values = Array.from({ length: 50 }, (_, i) => `gzip-${i}-${'z'.repeat(i * 5)}`)
      await Promise.all(values.map((v) => p.send(topic, { value: Buffer.from(v) })))
      const received = await consumeUntil(topic, { groupId: unique('gzip-group') }, (r) => r.length >= 50)
      expect(received.map((m) => text(m.value))).toEqual(values)
      expect(received.map((m) => m.offset)).toEqual(values.map((_, i) => BigInt(i)))
    })

    it('produces idempotently', async () => {
      const topic = await freshTopic('idempotent', 2)
      const p = await producer({ idempotent: true })
      const results = await p.send(topic, Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`v${i}`) })))
      expect(results).toHaveLength(20)
      const latest = await client.admin().fetchTopicOffsets(topic, [0, 1], 'latest')
      expect((latest.get(0) ?? 0n) + (latest.get(1) ?? 0n)).toBe(20n)
    })
  })

  describe('consumer groups', () => {
    it('commits on stop and a new member of the group resumes after the committed offsets', async () => {
      const topic = await freshTopic('resume', 2)
      const groupId = unique('resume-group')
      const p = await producer()
      await p.send(topic, [0, 1, 2, 3].map((i) => ({ value: Buffer.from(`m${i}`), partition: i % 2 })))
      const first = await consumeUntil(topic, { groupId }, (r) => r.length >= 4)
      expect(first.map((m) => text(m.value)).sort()).toEqual(['m0', 'm1', 'm2', 'm3'])

      // Another client sees the committed offsets.
      const [offsets] = await kafkajsAdmin.fetchOffsets({ groupId, topics: [topic] })
      expect(offsets!.partitions.map((o) => [o.partition, o.offset]).sort()).toEqual([
        [0, '2'],
        [1, '2'],
      ])

      await p.send(topic, [4, 5].map((i) => ({ value: Buffer.from(`m${i}`), partition: i % 2 })))
      const second = await consumeUntil(topic, { groupId }, (r) => r.length >= 2)
      expect(second.map((m) => text(m.value)).sort()).toEqual(['m4', 'm5'])
    })

    it('lists, describes and deletes groups through the admin API', async () => {
      const topic = await freshTopic('group-admin')
      const groupId = unique('group-admin')
      const p = await producer()
      await p.send(topic, { value: Buffer.from('x') })
      await consumeUntil(topic, { groupId }, (r) => r.length >= 1)
      const admin = client.admin()
      expect(await admin.listGroups()).toContainEqual(expect.objectContaining({ groupId, protocolType: 'consumer' }))
      const [described] = await admin.describeGroups([groupId])
      expect(described).toMatchObject({ groupId, state: 'Empty', members: [] })
      // A group with committed offsets and no members can be deleted; its offsets go with it.
      expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }])
      expect((await admin.listGroups()).map((g) => g.groupId)).not.toContain(groupId)
      const [offsets] = await kafkajsAdmin.fetchOffsets({ groupId, topics: [topic] })
      expect(offsets!.partitions.map((o) => o.offset)).toEqual(['-1'])
    })

    it('splits partitions between two members and delivers each record once', async () => {
      const topic = await freshTopic('shared', 4)
      const groupId = unique('shared-group')
      // One client per member, as two processes would have: members sharing a client share its
      // connections, and a broker handles one request per connection at a time (as Kafka does),
      // so one member's pending JoinGroup would hold back the other's.
      const [a, b] = await Promise.all(
        ['a', 'b'].map(async (name) => {
          const own = new KafkaClient({ brokers, clientId: `kafkats-conformance-${name}`, logLevel: 'error' })
          await own.connect()
          memberClients.push(own)
          return own.consumer({ groupId, autoOffsetReset: 'earliest', maxWaitMs: 100 })
        }),
      )
      consumers.push(a, b)
      const assigned = new Map<Consumer, Set<number>>([
        [a, new Set()],
        [b, new Set()],
      ])
      for (const c of [a, b]) {
        c.on('partitionsAssigned', (parts) => parts.forEach((tp) => assigned.get(c)!.add(tp.partition)))
        c.on('partitionsRevoked', (parts) => parts.forEach((tp) => assigned.get(c)!.delete(tp.partition)))
        c.on('partitionsLost', (parts) => parts.forEach((tp) => assigned.get(c)!.delete(tp.partition)))
      }
      const seen: { by: Consumer; value: string }[] = []
      for (const c of [a, b]) {
        runs.push(
          c.runEach(topic, async (m) => {
            seen.push({ by: c, value: text(m.value)! })
          }).catch(() => {}),
        )
      }
      // Wait until the group has settled with both members owning partitions.
      const settled = () => assigned.get(a)!.size > 0 && assigned.get(b)!.size > 0 && assigned.get(a)!.size + assigned.get(b)!.size === 4
      for (let i = 0; i < 200 && !settled(); i++) await new Promise((r) => setTimeout(r, 100))
      expect(settled()).toBe(true)
      expect([...assigned.get(a)!].filter((x) => assigned.get(b)!.has(x))).toEqual([])

      const p = await producer()
      const values = Array.from({ length: 16 }, (_, i) => `m${i}`)
      await p.send(topic, values.map((v, i) => ({ value: Buffer.from(v), partition: i % 4 })))
      for (let i = 0; i < 200 && seen.length < 16; i++) await new Promise((r) => setTimeout(r, 50))
      expect(seen.map((s) => s.value).sort()).toEqual([...values].sort())
      expect(seen.some((s) => s.by === a)).toBe(true)
      expect(seen.some((s) => s.by === b)).toBe(true)

      const { groups } = await kafkajsAdmin.describeGroups([groupId])
      expect(groups[0]).toMatchObject({ state: 'Stable', protocolType: 'consumer' })
      expect(groups[0]!.members).toHaveLength(2)
    })
  })

  describe('transactions', () => {
    it('read_committed sees committed transactions only; read_uncommitted sees aborted ones too', async () => {
      const topic = await freshTopic('txn')
      const p = await producer({ transactionalId: unique('txn-producer') })
      await p.transaction(async (tx) => {
        await tx.send(topic, [{ key: 'a', value: Buffer.from('committed-1') }, { key: 'b', value: Buffer.from('committed-2') }])
      })
      await expect(
        p.transaction(async (tx) => {
          await tx.send(topic, { key: 'c', value: Buffer.from('aborted-1') })
          throw new Error('abort this transaction')
        }),
      ).rejects.toThrow('abort this transaction')
      await p.transaction(async (tx) => {
        await tx.send(topic, { key: 'd', value: Buffer.from('committed-3') })
      })

      const committed = await consumeUntil(
        topic,
        { groupId: unique('rc-group'), isolationLevel: 'read_committed' },
        (r) => r.some((m) => text(m.value) === 'committed-3'),
      )
      expect(committed.map((m) => text(m.value))).toEqual(['committed-1', 'committed-2', 'committed-3'])

      const all = await consumeUntil(
        topic,
        { groupId: unique('ru-group'), isolationLevel: 'read_uncommitted' },
        (r) => r.some((m) => text(m.value) === 'committed-3'),
      )
      expect(all.map((m) => text(m.value))).toEqual(['committed-1', 'committed-2', 'aborted-1', 'committed-3'])
      // Control markers occupy offsets: committed-3 is not right after aborted-1.
      const offsets = new Map(all.map((m) => [text(m.value), m.offset]))
      expect(offsets.get('aborted-1')! - offsets.get('committed-2')!).toBe(2n)
      expect(offsets.get('committed-3')! - offsets.get('aborted-1')!).toBe(2n)

      // The last stable offset is the end once every transaction has ended.
      const latest = await client.admin().fetchTopicOffsets(topic, [0], 'latest', { isolationLevel: 'read_committed' })
      expect(latest.get(0)).toBe(offsets.get('committed-3')! + 2n)
    })

    it('commits consumed offsets inside the transaction (consume-transform-produce), and not when it aborts', async () => {
      const input = await freshTopic('ctp-in')
      const output = await freshTopic('ctp-out')
      const groupId = unique('ctp-group')
      const source = await producer()
      await source.send(input, [{ value: Buffer.from('x1') }, { value: Buffer.from('x2') }])
      const p = await producer({ transactionalId: unique('ctp-producer') })

      await p.transaction(async (tx) => {
        await tx.send(output, { value: Buffer.from('X1') })
        await tx.sendOffsets({ groupId, offsets: [{ topic: input, partition: 0, offset: 1n }] })
      })
      const offsetAfterCommit = async () => {
        const [o] = await kafkajsAdmin.fetchOffsets({ groupId, topics: [input] })
        return o!.partitions.find((x) => x.partition === 0)!.offset
      }
      expect(await offsetAfterCommit()).toBe('1')

      await expect(
        p.transaction(async (tx) => {
          await tx.send(output, { value: Buffer.from('X2') })
          await tx.sendOffsets({ groupId, offsets: [{ topic: input, partition: 0, offset: 2n }] })
          throw new Error('crash before commit')
        }),
      ).rejects.toThrow('crash before commit')
      expect(await offsetAfterCommit()).toBe('1')

      const out = await consumeUntil(output, { groupId: unique('ctp-check'), isolationLevel: 'read_committed' }, (r) => r.length >= 1)
      expect(out.map((m) => text(m.value))).toEqual(['X1'])
      // And a group consumer of the input resumes from the transactionally committed offset.
      const resumed = await consumeUntil(input, { groupId }, (r) => r.length >= 1)
      expect(resumed.map((m) => text(m.value))).toEqual(['x2'])
    })

    it('runs consume-transform-produce with the consumer group metadata in the transaction (KIP-447)', async () => {
      const input = await freshTopic('eos-in', 2)
      const output = await freshTopic('eos-out')
      const groupId = unique('eos-group')
      const source = await producer()
      await source.send(input, [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: Buffer.from(`in-${i}`), partition: i % 2 })))
      const p = await producer({ transactionalId: unique('eos-producer') })

      const consumer = client.consumer({ groupId, autoOffsetReset: 'earliest', maxWaitMs: 100, isolationLevel: 'read_committed' })
      consumers.push(consumer)
      let processed = 0
      const seenMetadata: { generationId: number; memberId: string }[] = []
      const done = new Promise<void>((resolve) => {
        runs.push(
          consumer
            .runEach(
              input,
              async (message, ctx) => {
                await p.transaction(async (tx) => {
                  await tx.send(output, { key: message.key, value: Buffer.from(text(message.value)!.toUpperCase()) })
                  await tx.sendOffsets(ctx)
                })
                if (ctx.consumerGroupMetadata) seenMetadata.push(ctx.consumerGroupMetadata)
                if (++processed === 4) resolve()
              },
              { autoCommit: false },
            )
            .catch(() => {}),
        )
      })
      await done
      consumer.stop()
      await Promise.all(runs.splice(0))

      // Offsets were committed by the transactions, under a real generation of the group.
      expect(seenMetadata.length).toBe(4)
      for (const m of seenMetadata) {
        expect(m.generationId).toBeGreaterThan(0)
        expect(m.memberId).not.toBe('')
      }
      const [offsets] = await kafkajsAdmin.fetchOffsets({ groupId, topics: [input] })
      expect(offsets!.partitions.map((o) => [o.partition, o.offset]).sort()).toEqual([
        [0, '2'],
        [1, '2'],
      ])
      const out = await consumeUntil(output, { groupId: unique('eos-check'), isolationLevel: 'read_committed' }, (r) => r.length >= 4)
      expect(out.map((m) => text(m.value)).sort()).toEqual(['IN-0', 'IN-1', 'IN-2', 'IN-3'])
    })

    it('fences the older producer when a new one initialises the same transactional id', async () => {
      const topic = await freshTopic('fence')
      const transactionalId = unique('fenced')
      const old = await producer({ transactionalId, maxBlockMs: 10_000 })
      await old.transaction(async (tx) => {
        await tx.send(topic, { value: Buffer.from('old-1') })
      })
      const fresh = await producer({ transactionalId, maxBlockMs: 10_000 })
      await fresh.transaction(async (tx) => {
        await tx.send(topic, { value: Buffer.from('new-1') })
      })
      await expect(
        old.transaction(async (tx) => {
          await tx.send(topic, { value: Buffer.from('zombie') })
        }),
      ).rejects.toThrow()
      const read = await consumeUntil(
        topic,
        { groupId: unique('fence-check'), isolationLevel: 'read_committed' },
        (r) => r.some((m) => text(m.value) === 'new-1'),
      )
      expect(read.map((m) => text(m.value))).toEqual(['old-1', 'new-1'])
    })
  })
})
