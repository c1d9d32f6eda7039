// Conformance: @platformatic/kafka against the broker. A maintained pure-JavaScript client for
// Kafka 3.5 to 4.1 that negotiates the newest versions it knows: Fetch by topic id (v13+,
// KIP-516), OffsetFetch for several groups (v8+, KIP-709), Produce v11, JoinGroup v9, and
// KIP-447 transactional offset commits. Produce and consume, committed offsets, a group of two
// with a rebalance, idempotence, transactions with read_committed, offsets in a transaction.
//
// With KAFKA_BROKERS set, the suite runs against that cluster instead of the embedded broker.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  Admin, Consumer, Producer, stringDeserializers, stringSerializers,
  type Message, type MessagesStream,
} from '@platformatic/kafka'
import { startCluster, unique as uniqueName, waitFor, type ConformanceCluster } from './helpers/cluster.js'

type StringMessage = Message<string, string, string, string>

let cluster: ConformanceCluster
let brokers: string[] = []
let admin: Admin
const producers: Producer<string, string, string, string>[] = []
const consumers: Consumer<string, string, string, string>[] = []
const streams: MessagesStream<string, string, string, string>[] = []

const unique = (name: string) => uniqueName(`platformatic-${name}`)
const READ_UNCOMMITTED = 0
const READ_COMMITTED = 1
// Explicit record timestamps are an hour old: the default 7-day retention keeps them.
const BASE_TS = BigInt(Math.floor((Date.now() - 3_600_000) / 1000) * 1000)

async function freshTopic(name: string, partitions = 1): Promise<string> {
  const topic = unique(name)
  await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
  return topic
}

function producer(options: Partial<ConstructorParameters<typeof Producer<string, string, string, string>>[0]> = {}): Producer<string, string, string, string> {
  const p = new Producer<string, string, string, string>({ clientId: unique('producer'), bootstrapBrokers: brokers, serializers: stringSerializers, ...options })
  producers.push(p)
  return p
}

function consumer(groupId: string, options: { isolationLevel?: number } = {}): Consumer<string, string, string, string> {
  const c = new Consumer<string, string, string, string>({
    clientId: unique('consumer'), groupId, bootstrapBrokers: brokers, deserializers: stringDeserializers,
    maxWaitTime: 100, sessionTimeout: 10_000, heartbeatInterval: 500, ...options,
  })
  consumers.push(c)
  return c
}

/** Reads from a new stream of `c` until `until(received)` holds, committing each message when `commit`. */
async function consumeUntil(
  c: Consumer<string, string, string, string>, topics: string[], mode: 'earliest' | 'committed',
  until: (received: StringMessage[]) => boolean, commit = false,
): Promise<StringMessage[]> {
  const stream = await c.consume({ topics, mode, fallbackMode: 'earliest', autocommit: false })
  streams.push(stream)
  const received: StringMessage[] = []
  const timeout = setTimeout(() => stream.destroy(new Error(`timed out with ${received.length} records from ${topics.join(', ')}`)), 20_000)
  try {
    for await (const m of stream) {
      received.push(m)
      if (commit) await m.commit()
      if (until(received)) break
    }
  } finally {
    clearTimeout(timeout)
    await stream.close()
  }
  return received
}

function closeConsumer(c: Consumer<string, string, string, string>): Promise<void> {
  return new Promise((resolve) => c.close(true, () => resolve()))
}

async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3] }] }] } as never)
  const out = new Map<number, bigint>()
  for (const t of group!.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) out.set(p.partitionIndex, p.committedOffset)
  return out
}

beforeAll(async () => {
  cluster = await startCluster()
  brokers = cluster.brokers
  admin = new Admin({ clientId: 'platformatic-conformance', bootstrapBrokers: brokers })
})

afterEach(async () => {
  for (const s of streams.splice(0)) await Promise.resolve(s.close()).catch(() => {})
  for (const c of consumers.splice(0)) await closeConsumer(c)
})

afterAll(async () => {
  for (const p of producers) await Promise.resolve(p.close(true)).catch(() => {})
  await admin?.close().catch(() => {})
  await cluster?.stop()
})

describe('@platformatic/kafka against the broker', () => {
  it('produces keys, values, headers and timestamps to chosen partitions and a group consumer reads them back (Fetch by topic id)', async () => {
    const topic = await freshTopic('fields', 3)
    const p = producer()
    const sent = await p.send({
      messages: [
        { topic, partition: 1, key: 'k1', value: 'v1', headers: { trace: 'abc' }, timestamp: BASE_TS },
        { topic, partition: 1, key: 'k2', value: 'v2', timestamp: BASE_TS + 1n },
        { topic, partition: 2, key: 'k3', value: 'keyed-3', timestamp: BASE_TS },
      ],
    })
    // One offset per partition written: the first record's.
    expect(sent.offsets?.map((o) => [o.partition, o.offset]).sort()).toEqual([[1, 0n], [2, 0n]])
    const received = await consumeUntil(consumer(unique('fields-group')), [topic], 'earliest', (r) => r.length >= 3)
    received.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
    expect(received.map((m) => ({ partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, topic: m.topic }))).toEqual([
      { partition: 1, offset: 0n, timestamp: BASE_TS, key: 'k1', value: 'v1', topic },
      { partition: 1, offset: 1n, timestamp: BASE_TS + 1n, key: 'k2', value: 'v2', topic },
      { partition: 2, offset: 0n, timestamp: BASE_TS, key: 'k3', value: 'keyed-3', topic },
    ])
    expect(received[0]!.headers.get('trace')).toBe('abc')
  })

  it('commits offsets that another member of the group resumes after, and OffsetFetch v8+ reports them', async () => {
    const topic = await freshTopic('commits', 2)
    const groupId = unique('commits-group')
    const p = producer()
    await p.send({ messages: [0, 1, 2, 3].map((i) => ({ topic, partition: i % 2, value: `m${i}` })) })
    const first = await consumeUntil(consumer(groupId), [topic], 'committed', (r) => r.length >= 4, true)
    expect(first.map((m) => m.value).sort()).toEqual(['m0', 'm1', 'm2', 'm3'])
    await closeConsumer(consumers.pop()!)
    expect(await committedOffsets(groupId, topic)).toEqual(new Map([[0, 2n], [1, 2n]]))

    await p.send({ messages: [4, 5].map((i) => ({ topic, partition: i % 2, value: `m${i}` })) })
    const second = await consumeUntil(consumer(groupId), [topic], 'committed', (r) => r.length >= 2, true)
    expect(second.map((m) => m.value).sort()).toEqual(['m4', 'm5'])
  })

  it('rebalances a group of two: the second member takes over some partitions and every record is read once', async () => {
    const topic = await freshTopic('rebalance', 4)
    const groupId = unique('rebalance-group')
    const assigned = new Map<string, number[]>()
    const track = (name: string, c: Consumer<string, string, string, string>) =>
      c.on('consumer:group:join', (payload) => assigned.set(name, (payload.assignments ?? []).flatMap((a) => a.partitions)))
    const a = consumer(groupId)
    track('a', a)
    const seen: { by: string; value: string }[] = []
    const read = async (name: string, c: Consumer<string, string, string, string>) => {
      const stream = await c.consume({ topics: [topic], mode: 'earliest', autocommit: false })
      streams.push(stream)
      stream.on('data', (m: StringMessage) => { seen.push({ by: name, value: m.value }) })
    }
    await read('a', a)
    await waitFor('member a owning all four partitions', () => assigned.get('a')?.length === 4)

    const b = consumer(groupId)
    track('b', b)
    await read('b', b)
    await waitFor('the rebalance sharing the partitions', () => {
      const [x, y] = [assigned.get('a') ?? [], assigned.get('b') ?? []]
      return x.length > 0 && y.length > 0 && x.length + y.length === 4 && x.every((part) => !y.includes(part))
    }, 30_000)

    const values = Array.from({ length: 16 }, (_, i) => `m${i}`)
    await producer().send({ messages: values.map((value, i) => ({ topic, partition: i % 4, value })) })
    await waitFor('every record', () => seen.length >= 16, 20_000)
    expect(seen.map((s) => s.value).sort()).toEqual([...values].sort())
    expect(new Set(seen.map((s) => s.by))).toEqual(new Set(['a', 'b']))

    const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId)!
    expect(group.state).toBe('STABLE')
    expect(group.members.size).toBe(2)
  })

  it('produces idempotently: a producer id and epoch, sequences the broker accepts', async () => {
    const topic = await freshTopic('idempotent', 2)
    const p = producer({ idempotent: true })
    for (let round = 0; round < 3; round++) {
      await p.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic, partition: i % 2, key: `k${i}`, value: `r${round}-${i}` })) })
    }
    expect(p.producerId).toBeGreaterThanOrEqual(0n)
    expect(p.producerEpoch).toBe(0)
    const offsets = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: -1n }] }] } as never)
    expect(offsets[0]!.partitions.map((x) => x.offset)).toEqual([15n, 15n])
  })

  it('read_committed sees committed transactions only; read_uncommitted sees aborted ones too', async () => {
    const topic = await freshTopic('txn')
    const p = producer({ transactionalId: unique('txn-producer'), idempotent: true })
    let tx = await p.beginTransaction()
    await tx.send({ messages: [{ topic, key: 'a', value: 'committed-1' }, { topic, key: 'b', value: 'committed-2' }] })
    await tx.commit()
    tx = await p.beginTransaction()
    await tx.send({ messages: [{ topic, key: 'c', value: 'aborted-1' }] })
    await tx.abort()
    tx = await p.beginTransaction()
    await tx.send({ messages: [{ topic, key: 'd', value: 'committed-3' }] })
    await tx.commit()

    const committed = await consumeUntil(consumer(unique('rc-group'), { isolationLevel: READ_COMMITTED }), [topic], 'earliest', (r) => r.some((m) => m.value === 'committed-3'))
    expect(committed.map((m) => m.value)).toEqual(['committed-1', 'committed-2', 'committed-3'])
    const all = await consumeUntil(consumer(unique('ru-group'), { isolationLevel: READ_UNCOMMITTED }), [topic], 'earliest', (r) => r.some((m) => m.value === 'committed-3'))
    expect(all.map((m) => m.value)).toEqual(['committed-1', 'committed-2', 'aborted-1', 'committed-3'])
    // Control records take offsets: each transaction's marker follows its records.
    expect(all.map((m) => m.offset)).toEqual([0n, 1n, 3n, 5n])
  })

  it('commits consumed offsets inside a transaction with the group\'s generation (KIP-447), and not when it aborts', async () => {
    const input = await freshTopic('ctp-in')
    const output = await freshTopic('ctp-out')
    const groupId = unique('ctp-group')
    await producer().send({ messages: ['x1', 'x2', 'x3'].map((value) => ({ topic: input, value })) })
    const p = producer({ transactionalId: unique('ctp-producer'), idempotent: true })
    const c = consumer(groupId, { isolationLevel: READ_COMMITTED })
    const stream = await c.consume({ topics: [input], mode: 'committed', fallbackMode: 'earliest', autocommit: false })
    streams.push(stream)
    const iterator = stream[Symbol.asyncIterator]()
    const next = async (): Promise<StringMessage> => (await iterator.next()).value as StringMessage

    const first = await next()
    let tx = await p.beginTransaction()
    await tx.send({ messages: [{ topic: output, value: first.value.toUpperCase() }] })
    await tx.addConsumer(c)
    await tx.addOffset(first)
    await tx.commit()
    expect(await committedOffsets(groupId, input)).toEqual(new Map([[0, 1n]]))

    const second = await next()
    tx = await p.beginTransaction()
    await tx.send({ messages: [{ topic: output, value: second.value.toUpperCase() }] })
    await tx.addConsumer(c)
    await tx.addOffset(second)
    await tx.abort()
    expect(await committedOffsets(groupId, input)).toEqual(new Map([[0, 1n]]))
    await stream.close()

    const out = await consumeUntil(consumer(unique('ctp-check'), { isolationLevel: READ_COMMITTED }), [output], 'earliest', (r) => r.length >= 1)
    expect(out.map((m) => m.value)).toEqual(['X1'])
  })
})
