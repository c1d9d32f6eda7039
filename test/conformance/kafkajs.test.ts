// kafkajs 2.2.4 clients over TCP against the embedded broker (or KAFKA_BROKERS when set).
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CompressionTypes, ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs'
import { startCluster, unique, waitFor, type ConformanceCluster } from './helpers/cluster.js'

let cluster: ConformanceCluster
let kafka: Kafka
let admin: Admin
let producer: Producer
const open: { disconnect(): Promise<void> }[] = []

beforeAll(async () => {
  cluster = await startCluster()
  kafka = new Kafka({ clientId: 'kafkajs-conformance', brokers: cluster.brokers, logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
})

afterAll(async () => {
  for (const c of open.reverse()) await c.disconnect().catch(() => {})
  await producer?.disconnect().catch(() => {})
  await admin?.disconnect().catch(() => {})
  await cluster?.stop()
})

async function createTopic(partitions: number, configEntries: { name: string; value: string }[] = []): Promise<string> {
  const topic = unique('kjs')
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true })
  return topic
}

interface Received { partition: number; message: KafkaMessage }

function consumer(groupId: string, opts: Partial<Parameters<Kafka['consumer']>[0]> = {}): Consumer {
  const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200, ...opts })
  open.push(c)
  return c
}

/** Runs a consumer from the beginning of `topic` until `count` messages arrived. */
async function consumeN(topic: string, count: number, opts: Partial<Parameters<Kafka['consumer']>[0]> = {}): Promise<Received[]> {
  const c = consumer(unique('g'), opts)
  await c.connect()
  await c.subscribe({ topic, fromBeginning: true })
  const got: Received[] = []
  await c.run({ eachMessage: async ({ partition, message }) => { got.push({ partition, message }) } })
  await waitFor(`${count} messages from ${topic}`, () => got.length >= count)
  await c.disconnect()
  return got
}

describe('kafkajs producing and consuming', () => {
  it('keeps keys, values, headers and CreateTime timestamps', async () => {
    const topic = await createTopic(1)
    // Recent timestamps: older than retention.ms (7 days) would be deleted by retention.
    const t0 = Date.now() - 60_000
    await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', timestamp: String(t0), headers: { trace: 'abc', bin: Buffer.from([0, 255]) } },
        { key: null, value: 'no-key', timestamp: String(t0 + 1) },
        { key: 'tomb', value: null, timestamp: String(t0 + 2) },
      ],
    })
    const got = await consumeN(topic, 3)
    expect(got.map((g) => g.message.offset)).toEqual(['0', '1', '2'])
    const [a, b, c] = got.map((g) => g.message)
    expect(a!.key!.toString()).toBe('k1')
    expect(a!.value!.toString()).toBe('v1')
    expect(a!.timestamp).toBe(String(t0))
    expect(a!.headers!.trace!.toString()).toBe('abc')
    expect(a!.headers!.bin).toEqual(Buffer.from([0, 255]))
    expect(b!.key).toBeNull()
    expect(b!.timestamp).toBe(String(t0 + 1))
    expect(c!.value).toBeNull()
  })

  it('stamps LogAppendTime on topics configured for it', async () => {
    const topic = await createTopic(1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }])
    const before = Date.now()
    const [result] = await producer.send({ topic, messages: [{ value: 'x', timestamp: '1000' }] })
    const after = Date.now()
    expect(Number(result!.logAppendTime)).toBeGreaterThanOrEqual(before)
    const [got] = await consumeN(topic, 1)
    const ts = Number(got!.message.timestamp)
    expect(ts).toBeGreaterThanOrEqual(before)
    expect(ts).toBeLessThanOrEqual(after)
  })

  it('round-trips gzip-compressed batches', async () => {
    const topic = await createTopic(1)
    const values = Array.from({ length: 50 }, (_, i) => `gzip-value-${i}-${'x'.repeat(i)}`)
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: values.map((value, i) => ({ key: String(i), value })) })
    const got = await consumeN(topic, 50)
    expect(got.map((g) => g.message.value!.toString())).toEqual(values)
    expect(got.map((g) => g.message.offset)).toEqual(values.map((_, i) => String(i)))
  })

  it('spreads keys over many partitions and keeps each partition in order', async () => {
    const topic = await createTopic(12)
    const messages = Array.from({ length: 600 }, (_, i) => ({ key: `key-${i % 40}`, value: String(i) }))
    for (let i = 0; i < messages.length; i += 100) await producer.send({ topic, messages: messages.slice(i, i + 100) })
    const got = await consumeN(topic, 600)
    expect(got).toHaveLength(600)
    expect(new Set(got.map((g) => g.partition)).size).toBeGreaterThan(6)
    const byKey = new Map<string, number[]>()
    const partitionOfKey = new Map<string, number>()
    for (const g of got) {
      const key = g.message.key!.toString()
      expect(partitionOfKey.get(key) ?? g.partition).toBe(g.partition)
      partitionOfKey.set(key, g.partition)
      byKey.set(key, [...(byKey.get(key) ?? []), Number(g.message.value!.toString())])
    }
    for (const seq of byKey.values()) expect(seq).toEqual([...seq].sort((x, y) => x - y))
  })

  it('answers ListOffsets for earliest, latest and by timestamp', async () => {
    const topic = await createTopic(1)
    const t0 = Date.now() - 60_000
    await producer.send({ topic, messages: [0, 1000, 2000].map((d) => ({ value: String(d), timestamp: String(t0 + d) })) })
    const offsets = await admin.fetchTopicOffsets(topic)
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '3', offset: '3' })])
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 500)).toEqual([{ partition: 0, offset: '1' }])
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 2000)).toEqual([{ partition: 0, offset: '2' }])
    // No record at or after the timestamp: Kafka answers -1, kafkajs reports the latest offset.
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 5000)).toEqual([{ partition: 0, offset: '3' }])
  })

  it('long-polls: a waiting fetch returns as soon as data arrives', async () => {
    const topic = await createTopic(1)
    const c = consumer(unique('g'), { maxWaitTimeInMs: 6000 })
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    let receivedAt = 0
    await c.run({ eachMessage: async () => { receivedAt = Date.now() } })
    await new Promise((r) => setTimeout(r, 1000)) // the consumer is now parked in a 6 s fetch
    const sentAt = Date.now()
    await producer.send({ topic, messages: [{ value: 'wake' }] })
    await waitFor('the message', () => receivedAt > 0, 12_000)
    // Well under the ~5 s the parked fetch had left, with room for a loaded machine.
    expect(receivedAt - sentAt).toBeLessThan(3000)
    await c.disconnect()
  })
})

describe('kafkajs consumer groups', () => {
  function trackAssignments(c: Consumer, topic: string): { current: number[] } {
    const state = { current: [] as number[] }
    c.on(c.events.GROUP_JOIN, (e) => { state.current = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) })
    return state
  }

  it('splits partitions between two members and rebalances when one leaves', async () => {
    const topic = await createTopic(4)
    const groupId = unique('split')
    const a = consumer(groupId)
    const b = consumer(groupId)
    const sa = trackAssignments(a, topic)
    const sb = trackAssignments(b, topic)
    for (const c of [a, b]) {
      await c.connect()
      await c.subscribe({ topic, fromBeginning: true })
      await c.run({ eachMessage: async () => {} })
    }
    await waitFor('a 2/2 split', () => sa.current.length === 2 && sb.current.length === 2)
    expect([...sa.current, ...sb.current].sort()).toEqual([0, 1, 2, 3])

    const described = await admin.describeGroups([groupId])
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' })
    expect(described.groups[0]!.members).toHaveLength(2)

    await b.disconnect()
    await waitFor('a to own every partition', () => sa.current.length === 4)
  })

  it('rebalances when a member dies without leaving', async () => {
    const topic = await createTopic(2)
    const groupId = unique('dies')
    const a = consumer(groupId)
    const sa = trackAssignments(a, topic)
    await a.connect()
    await a.subscribe({ topic, fromBeginning: true })
    await a.run({ eachMessage: async () => {} })
    await waitFor('a to own both partitions', () => sa.current.length === 2)

    const script = fileURLToPath(new URL('./helpers/kafkajs-member.ts', import.meta.url))
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, cluster.brokers.join(','), groupId, topic], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      let out = ''
      child.stdout!.on('data', (d) => { out += d })
      await waitFor('the second member to be assigned a partition', () => /assigned \[\d\]/.test(out), 30_000)
      await waitFor('a to give up one partition', () => sa.current.length === 1)
      child.kill('SIGKILL')
      const startedWaiting = Date.now()
      await waitFor('a to own both partitions again', () => sa.current.length === 2, 30_000)
      // Noticed through the session timeout (6 s), not through a LeaveGroup.
      expect(Date.now() - startedWaiting).toBeGreaterThan(2000)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('resumes from committed offsets', async () => {
    const topic = await createTopic(1)
    const groupId = unique('resume')
    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) })
    const first = consumer(groupId)
    await first.connect()
    await first.subscribe({ topic, fromBeginning: true })
    const seen: string[] = []
    await first.run({ autoCommitInterval: 50, eachMessage: async ({ message }) => { seen.push(message.value!.toString()) } })
    await waitFor('three messages', () => seen.length === 3)
    await first.disconnect()
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
    expect(committed[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })])

    await producer.send({ topic, messages: [{ value: 'd' }] })
    const second = consumer(groupId)
    await second.connect()
    await second.subscribe({ topic, fromBeginning: true })
    const later: string[] = []
    await second.run({ eachMessage: async ({ message }) => { later.push(message.value!.toString()) } })
    await waitFor('the new message', () => later.length >= 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(later).toEqual(['d'])
    await second.disconnect()

    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId)
    await admin.deleteGroups([groupId])
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset).toBe('-1')
  })
})

describe('kafkajs admin', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const topic = unique('admin')
    // validateOnly creates nothing (and so there are no leaders to wait for).
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], validateOnly: true, waitForLeaders: false })).toBe(true)
    expect(await admin.listTopics()).not.toContain(topic)
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(true)
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false) // already exists
    expect(await admin.listTopics()).toContain(topic)
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2])
    await admin.deleteTopics({ topics: [topic] })
    await waitFor('the topic to disappear', async () => !(await admin.listTopics()).includes(topic))
  })

  it('describes and alters topic configs', async () => {
    const topic = await createTopic(1, [{ name: 'cleanup.policy', value: 'compact' }])
    const describe = async () => {
      const r = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false })
      return new Map(r.resources[0]!.configEntries.map((e) => [e.configName, e]))
    }
    let entries = await describe()
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'compact', isDefault: false })
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '604800000', isDefault: true })
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '1000' }] }] })
    entries = await describe()
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '1000', isDefault: false })
    // AlterConfigs replaces the whole set of overrides.
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'delete', isDefault: true })
  })

  it('adds partitions and deletes records', async () => {
    const topic = await createTopic(1)
    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(meta.topics[0]!.partitions).toHaveLength(3)
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })).rejects.toThrow()

    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: String(i), partition: 0 })) })
    // kafkajs finds partition leaders for deleteTopicRecords in its cached metadata only.
    expect((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)).toMatchObject({ low: '0', high: '5' })
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] })
    const offsets = await admin.fetchTopicOffsets(topic)
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: '3', high: '5' })
    const got = await consumeN(topic, 2)
    expect(got.map((g) => g.message.value!.toString())).toEqual(['3', '4'])
  })
})

describe('kafkajs idempotence and transactions', () => {
  it('idempotent producer writes each record once', async () => {
    const topic = await createTopic(1)
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
    open.push(p)
    await p.connect()
    for (let i = 0; i < 5; i++) await p.send({ topic, acks: -1, messages: [{ value: `m${i}` }] })
    const offsets = await admin.fetchTopicOffsets(topic)
    expect(offsets[0]!.high).toBe('5')
  })

  it('read_committed consumers see committed data only, and never past an open transaction', async () => {
    const topic = await createTopic(1)
    const p = kafka.producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
    open.push(p)
    await p.connect()

    const aborted = await p.transaction()
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] })
    await aborted.abort()
    const committed = await p.transaction()
    await committed.send({ topic, messages: [{ value: 'committed-1' }] })
    await committed.commit()

    const open1 = await p.transaction()
    await open1.send({ topic, messages: [{ value: 'pending' }] })
    await producer.send({ topic, messages: [{ value: 'after-open-txn' }] })

    const c = consumer(unique('rc'), { readUncommitted: false })
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    const seen: string[] = []
    await c.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()) } })
    await waitFor('the committed message', () => seen.length >= 1)
    await new Promise((r) => setTimeout(r, 800))
    // The plain message sits behind the open transaction, so it stays invisible for now.
    expect(seen).toEqual(['committed-1'])

    // kafkajs lists offsets read_committed: "latest" is the last stable offset, the open batch's offset
    // (after two aborted records, their marker, one committed record and its marker).
    const lastStable = await admin.fetchTopicOffsets(topic)
    expect(lastStable[0]!.high).toBe('5')

    await open1.commit()
    await waitFor('the rest', () => seen.length >= 3)
    expect(seen).toEqual(['committed-1', 'pending', 'after-open-txn'])

    const uncommitted = await consumeN(topic, 5, { readUncommitted: true })
    expect(uncommitted.map((g) => g.message.value!.toString())).toEqual(['aborted-1', 'aborted-2', 'committed-1', 'pending', 'after-open-txn'])
  })

  it('commits consumer offsets with the transaction (sendOffsets)', async () => {
    const topic = await createTopic(1)
    const groupId = unique('txg')
    const p = kafka.producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
    open.push(p)
    await p.connect()

    const t1 = await p.transaction()
    await t1.send({ topic, messages: [{ value: 'out' }] })
    await t1.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] })
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset).toBe('-1')
    await t1.commit()
    await waitFor('the committed offset', async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset === '7')

    const t2 = await p.transaction()
    await t2.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }] })
    await t2.abort()
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset).toBe('7')
  })
})
