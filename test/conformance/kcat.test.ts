// Conformance: librdkafka (through Debian's kcat) against the broker. librdkafka is the C client
// behind confluent-kafka-python/-go/-dotnet and node-rdkafka, and it is strict about protocol
// details kafkajs lets pass, so this suite checks the broker through an independent
// implementation: metadata, produce with keys/headers/partitions/compression/idempotence,
// consume with every offset form, consumer groups that commit and resume, transactions and
// read_committed. kafkajs sets up topics and plays the second client where a test needs two.
//
// With KAFKA_BROKERS set, the suite runs against that cluster instead of the embedded broker.
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AssignerProtocol, Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import type { EmbeddedKafka } from '../../broker/index.js'
import { startCluster, unique, type ConformanceCluster } from './helpers/cluster.js'

interface KcatResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

const KCAT_TIMEOUT_MS = 20_000
const children = new Set<ChildProcess>()

let cluster: ConformanceCluster
let embedded: EmbeddedKafka | null = null
let brokers: string[] = []
let kafka: Kafka
let admin: Admin
const producers: Producer[] = []

/** Runs kcat against the broker; kills it after `timeoutMs`. Never rejects on a non-zero exit. */
function kcat(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KcatResult> {
  const timeoutMs = options.timeoutMs ?? KCAT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', brokers.join(','), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      children.delete(child)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.on('error', () => {}) // kcat may exit before reading all input; the exit code tells
    child.stdin.end(options.input ?? '')
  })
}

/** Runs kcat and returns its stdout, failing with its stderr when it exits non-zero. */
async function kcatOk(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await kcat(args, options)
  if (result.code !== 0) {
    throw new Error(`kcat ${args.join(' ')} exited with ${result.code ?? result.signal}\nstderr:\n${result.stderr}\nstdout:\n${result.stdout}`)
  }
  return result.stdout
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0)

// Explicit record timestamps are an hour old, not fixed dates: with the default 7-day
// retention.ms a broker deletes records with older timestamps, as Kafka does.
const BASE_TS = Math.floor((Date.now() - 3_600_000) / 1000) * 1000

/** Creates a fresh topic (unique per run, so a real cluster can be reused). */
async function freshTopic(name: string, partitions = 1): Promise<string> {
  const topic = unique(`kcat-${name}`)
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true })
  return topic
}

async function kafkajsProducer(config: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> {
  const producer = kafka.producer(config)
  await producer.connect()
  producers.push(producer)
  return producer
}

beforeAll(async () => {
  cluster = await startCluster()
  embedded = cluster.embedded
  brokers = cluster.brokers
  kafka = new Kafka({ clientId: 'kcat-conformance', brokers, logLevel: logLevel.NOTHING })
  admin = kafka.admin()
  await admin.connect()
})

afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
})

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => {})
  await admin?.disconnect().catch(() => {})
  await cluster?.stop()
})

describe('kcat (librdkafka) against the broker', () => {
  describe('metadata', () => {
    it('lists brokers, the topic and its partitions with leaders and replicas (-L -J)', async () => {
      const topic = await freshTopic('meta', 3)
      const meta = JSON.parse(await kcatOk(['-L', '-J', '-t', topic])) as {
        brokers: { id: number; name: string }[]
        topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[]
      }
      expect(meta.brokers.length).toBeGreaterThan(0)
      const brokerIds = meta.brokers.map((b) => b.id)
      for (const b of meta.brokers) expect(b.name).toMatch(/^[^:]+:\d+$/)
      if (embedded) expect(meta.brokers.map((b) => b.name)).toEqual(embedded.brokers)
      expect(meta.topics).toHaveLength(1)
      const [t] = meta.topics
      expect(t!.topic).toBe(topic)
      expect(t!.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2])
      for (const p of t!.partitions) {
        expect(brokerIds).toContain(p.leader)
        expect(p.replicas.map((r) => r.id)).toContain(p.leader)
        expect(p.isrs.map((r) => r.id)).toContain(p.leader)
      }
    })

    it('lists every topic when no topic is named (-L)', async () => {
      const a = await freshTopic('list-a')
      const b = await freshTopic('list-b', 2)
      const text = await kcatOk(['-L'])
      expect(text).toMatch(new RegExp(`topic "${a}" with 1 partitions`))
      expect(text).toMatch(new RegExp(`topic "${b}" with 2 partitions`))
    })
  })

  describe('produce and consume', () => {
    it('produces keyed records with headers to a chosen partition and reads back every field (-f)', async () => {
      const topic = await freshTopic('fields', 3)
      const before = Date.now()
      await kcatOk(['-P', '-t', topic, '-p', '1', '-K', ':', '-H', 'trace=abc', '-H', 'source=kcat'], {
        input: 'k1:v1\nk2:v2\nk3:v3\n',
      })
      await kcatOk(['-P', '-t', topic, '-p', '2', '-K', ':'], { input: 'k4:v4\n' })
      const after = Date.now()

      const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-X', 'check.crcs=true', '-f', '%t|%p|%o|%k|%s|%h|%T\n'])
      const rows = lines(out).map((l) => l.split('|'))
      rows.sort((x, y) => Number(x[1]) - Number(y[1]) || Number(x[2]) - Number(y[2]))
      expect(rows.map((r) => r.slice(0, 6))).toEqual([
        [topic, '1', '0', 'k1', 'v1', 'trace=abc,source=kcat'],
        [topic, '1', '1', 'k2', 'v2', 'trace=abc,source=kcat'],
        [topic, '1', '2', 'k3', 'v3', 'trace=abc,source=kcat'],
        [topic, '2', '0', 'k4', 'v4', ''],
      ])
      for (const r of rows) {
        const ts = Number(r[6])
        expect(ts).toBeGreaterThanOrEqual(before - 1000)
        expect(ts).toBeLessThanOrEqual(after + 1000)
      }
    })

    it('reads one partition only with -p and limits the count with -c', async () => {
      const topic = await freshTopic('one-partition', 2)
      await kcatOk(['-P', '-t', topic, '-p', '0'], { input: 'a\nb\nc\n' })
      await kcatOk(['-P', '-t', topic, '-p', '1'], { input: 'x\n' })
      expect(lines(await kcatOk(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%s\n']))).toEqual(['a', 'b', 'c'])
      expect(lines(await kcatOk(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '2', '-f', '%s\n']))).toEqual(['a', 'b'])
      expect(lines(await kcatOk(['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', '%s\n']))).toEqual(['x'])
    })

    it('keeps keyed records of one key on one partition with the default partitioner', async () => {
      const topic = await freshTopic('keyed', 4)
      const input = Array.from({ length: 12 }, (_, i) => `key-${i % 3}:value-${i}`).join('\n') + '\n'
      await kcatOk(['-P', '-t', topic, '-K', ':'], { input })
      const rows = lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%p %k %s\n'])).map((l) => l.split(' '))
      expect(rows).toHaveLength(12)
      const partitionsByKey = new Map<string, Set<string>>()
      for (const [p, k] of rows) partitionsByKey.set(k!, (partitionsByKey.get(k!) ?? new Set()).add(p!))
      for (const set of partitionsByKey.values()) expect(set.size).toBe(1)
      // Within a partition, a key's values keep their produce order.
      for (let k = 0; k < 3; k++) {
        const values = rows.filter((r) => r[1] === `key-${k}`).map((r) => Number(r[2]!.slice('value-'.length)))
        expect(values).toEqual([...values].sort((a, b) => a - b))
      }
    })

    it('reads records written by kafkajs: explicit timestamps, null keys and tombstones (-Z, %K, %S)', async () => {
      const topic = await freshTopic('from-kafkajs')
      const producer = await kafkajsProducer()
      await producer.send({
        topic,
        messages: [
          { key: 'a', value: 'first', timestamp: String(BASE_TS), headers: { h: 'x' } },
          { key: null, value: 'keyless', timestamp: String(BASE_TS + 1) },
          { key: 'a', value: null, timestamp: String(BASE_TS + 2) },
        ],
      })
      const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-Z', '-f', '%o|%k|%K|%s|%S|%T|%h\n'])
      expect(lines(out)).toEqual([
        `0|a|1|first|5|${BASE_TS}|h=x`,
        `1|NULL|-1|keyless|7|${BASE_TS + 1}|`,
        `2|a|1|NULL|-1|${BASE_TS + 2}|`,
      ])
    })

    it('wraps records in the JSON envelope (-J)', async () => {
      const topic = await freshTopic('json')
      const producer = await kafkajsProducer()
      await producer.send({ topic, messages: [{ key: 'k', value: 'v', timestamp: String(BASE_TS + 123), headers: { a: '1', b: '2' } }] })
      const [line] = lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-J']))
      const envelope = JSON.parse(line!) as Record<string, unknown>
      expect(envelope).toMatchObject({
        topic,
        partition: 0,
        offset: 0,
        tstype: 'create',
        ts: BASE_TS + 123,
        key: 'k',
        payload: 'v',
      })
      expect(envelope.headers).toEqual(['a', '1', 'b', '2'])
      if (embedded) expect(typeof envelope.broker).toBe('number')
    })

    it('stamps LogAppendTime topics with the broker time, with valid CRCs (message.timestamp.type)', async () => {
      const topic = unique('kcat-log-append')
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
        waitForLeaders: true,
      })
      const producer = await kafkajsProducer()
      const before = Date.now()
      await producer.send({ topic, messages: [{ key: 'k', value: 'v1', timestamp: String(BASE_TS) }, { value: 'v2', timestamp: String(BASE_TS) }] })
      await kcatOk(['-P', '-t', topic, '-z', 'gzip'], { input: 'v3\n' })
      const after = Date.now()
      const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-X', 'check.crcs=true'])
      const envelopes = lines(out).map((l) => JSON.parse(l) as { tstype: string; ts: number; payload: string })
      expect(envelopes.map((e) => [e.payload, e.tstype])).toEqual([
        ['v1', 'logappend'],
        ['v2', 'logappend'],
        ['v3', 'logappend'],
      ])
      for (const e of envelopes) {
        expect(e.ts).toBeGreaterThanOrEqual(before - 1000)
        expect(e.ts).toBeLessThanOrEqual(after + 1000)
      }
    })

    it('starts from absolute, relative-to-end and timestamp offsets (-o N, -o -N, -o s@T) and queries offsets by time (-Q)', async () => {
      const topic = await freshTopic('offsets')
      const producer = await kafkajsProducer()
      await producer.send({
        topic,
        messages: [0, 1, 2, 3, 4].map((i) => ({ value: `m${i}`, timestamp: String(BASE_TS + i * 1000) })),
      })
      const read = async (offset: string) =>
        lines(await kcatOk(['-C', '-t', topic, '-p', '0', '-o', offset, '-e', '-f', '%o:%s\n']))
      expect(await read('3')).toEqual(['3:m3', '4:m4'])
      expect(await read('-2')).toEqual(['3:m3', '4:m4'])
      expect(await read(`s@${BASE_TS + 2000}`)).toEqual(['2:m2', '3:m3', '4:m4'])
      expect(await read(`s@${BASE_TS + 2500}`)).toEqual(['3:m3', '4:m4'])
      expect(await read('end')).toEqual([])
      const q = await kcatOk(['-Q', '-t', `${topic}:0:${BASE_TS + 1500}`])
      expect(q).toMatch(new RegExp(`^${topic} \\[0\\] offset 2$`, 'm'))
    })

    it('stops at a timestamp with -o e@T', async () => {
      const topic = await freshTopic('stop-at')
      const producer = await kafkajsProducer()
      await producer.send({
        topic,
        messages: [0, 1, 2, 3].map((i) => ({ value: `m${i}`, timestamp: String(BASE_TS + i * 1000) })),
      })
      const out = await kcatOk(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-o', `e@${BASE_TS + 2000}`, '-f', '%s\n'])
      expect(lines(out)).toEqual(['m0', 'm1'])
    })

    it.each([
      ['gzip', ['-z', 'gzip']],
      ['snappy', ['-z', 'snappy']],
      ['lz4', ['-z', 'lz4']],
      ['zstd', ['-X', 'compression.codec=zstd']],
    ])('round-trips %s-compressed batches', async (codec, flags) => {
      const topic = await freshTopic(`compressed-${codec}`)
      const values = Array.from({ length: 50 }, (_, i) => `${codec}-${i}-${'x'.repeat(i * 3)}`)
      await kcatOk(['-P', '-t', topic, '-K', ':', ...flags, '-X', 'linger.ms=50'], {
        input: values.map((v, i) => `k${i}:${v}`).join('\n') + '\n',
      })
      const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-X', 'check.crcs=true', '-f', '%o %k %s\n'])
      expect(lines(out)).toEqual(values.map((v, i) => `${i} k${i} ${v}`))
    })

    it('produces idempotently (enable.idempotence=true) without duplicates', async () => {
      const topic = await freshTopic('idempotent', 2)
      const input = Array.from({ length: 40 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n'
      await kcatOk(['-P', '-t', topic, '-K', ':', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'], { input })
      const values = lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n']))
      expect(values.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`).sort())
    })

    it('auto-creates a topic on first produce', async () => {
      const topic = unique('kcat-auto')
      await kcatOk(['-P', '-t', topic], { input: 'first\n' })
      const meta = JSON.parse(await kcatOk(['-L', '-J', '-t', topic])) as { topics: { topic: string; error?: string; partitions: unknown[] }[] }
      expect(meta.topics[0]).toMatchObject({ topic })
      expect(meta.topics[0]!.error).toBeUndefined()
      expect(meta.topics[0]!.partitions.length).toBeGreaterThan(0)
      expect(lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n']))).toEqual(['first'])
    })

    it('refuses a batch above the topic max.message.bytes with MESSAGE_TOO_LARGE', async () => {
      const topic = unique('kcat-too-large')
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '10000' }] }],
        waitForLeaders: true,
      })
      const result = await kcat(['-P', '-t', topic, '-X', 'message.max.bytes=100000'], { input: 'B'.repeat(20_000) + '\n' })
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Message size too large|MSG_SIZE_TOO_LARGE/i)
      await kcatOk(['-P', '-t', topic], { input: 'small\n' })
      expect(lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n']))).toEqual(['small'])
    })

    it('round-trips a large record', async () => {
      const topic = await freshTopic('large')
      const big = 'L'.repeat(512 * 1024)
      await kcatOk(['-P', '-t', topic], { input: big + '\n' })
      const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%S\n'])
      expect(lines(out)).toEqual([String(big.length)])
    })
  })

  describe('consumer groups (-G)', () => {
    const groupRun = (group: string, topic: string, extra: string[]) =>
      kcatOk(['-G', group, '-X', 'auto.offset.reset=earliest', '-f', '%p:%o:%s\n', ...extra, topic], { timeoutMs: 30_000 })

    it('consumes as a group member, commits on close and resumes after the committed offsets', async () => {
      const topic = await freshTopic('group', 2)
      const group = unique('kcat-group')
      const producer = await kafkajsProducer()
      await producer.send({
        topic,
        messages: [0, 1, 2, 3, 4, 5].map((i) => ({ value: `m${i}`, partition: i % 2 })),
      })

      const first = lines(await groupRun(group, topic, ['-c', '3']))
      expect(first).toHaveLength(3)

      // The group's committed offsets are visible to another client and cover what was read.
      const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] })
      const byPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]))
      for (const row of first) {
        const [p, o] = row.split(':').map(Number)
        expect(byPartition.get(p!)).toBeGreaterThan(o!)
      }

      await producer.send({ topic, messages: [{ value: 'm6', partition: 0 }] })
      const second = lines(await groupRun(group, topic, ['-e']))
      const values = [...first, ...second].map((r) => r.split(':')[2])
      // Every record exactly once across the two runs: nothing lost, nothing re-read.
      expect(values.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'])
    })

    it('shows up in kafkajs describeGroups while a member is connected', async () => {
      const topic = await freshTopic('group-describe')
      const group = unique('kcat-described')
      // -c 1 with nothing to read keeps kcat in the group until we produce.
      const member = groupRun(group, topic, ['-c', '1'])
      let described: Awaited<ReturnType<Admin['describeGroups']>>['groups'][number] | undefined
      for (let i = 0; i < 100; i++) {
        const { groups } = await admin.describeGroups([group])
        described = groups[0]
        if (described?.state === 'Stable') break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(described).toMatchObject({ groupId: group, state: 'Stable', protocolType: 'consumer' })
      expect(described!.members).toHaveLength(1)
      expect(described!.members[0]!.clientId).toBe('rdkafka')
      const producer = await kafkajsProducer()
      await producer.send({ topic, messages: [{ value: 'wake' }] })
      expect(lines(await member)).toEqual(['0:0:wake'])
    })

    it.each(['range', 'roundrobin', 'cooperative-sticky'])(
      'splits partitions between two members with the %s assignor and delivers each record once',
      async (strategy) => {
        const topic = await freshTopic(`group-${strategy}`, 4)
        const group = unique(`kcat-${strategy}`)
        const members = ['member-1', 'member-2'].map((clientId) => {
          const args = ['-b', brokers.join(','), '-G', group, '-X', 'auto.offset.reset=earliest', '-X', `client.id=${clientId}`,
            '-X', `partition.assignment.strategy=${strategy}`, '-u', '-q', '-f', '%p:%s\n', topic]
          const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'ignore'] })
          children.add(child)
          const member = { clientId, child, out: '' }
          child.stdout.setEncoding('utf8').on('data', (d: string) => (member.out += d))
          return member
        })

        // The group settles with both members owning disjoint, non-empty sets of partitions.
        const owned = new Map<string, number[]>()
        let described: Awaited<ReturnType<Admin['describeGroups']>>['groups'][number] | undefined
        for (let i = 0; i < 200; i++) {
          described = (await admin.describeGroups([group])).groups[0]
          owned.clear()
          for (const m of described?.members ?? []) {
            const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
            owned.set(m.clientId, decoded?.assignment[topic] ?? [])
          }
          const all = [...owned.values()].flat()
          if (described?.state === 'Stable' && owned.size === 2 && [...owned.values()].every((ps) => ps.length > 0) && all.length === 4) break
          await new Promise((r) => setTimeout(r, 100))
        }
        expect(described).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: strategy })
        expect([...owned.values()].flat().sort()).toEqual([0, 1, 2, 3])

        const producer = await kafkajsProducer()
        const values = Array.from({ length: 8 }, (_, i) => `m${i}`)
        await producer.send({ topic, messages: values.map((value, i) => ({ value, partition: i % 4 })) })
        const received = () => members.flatMap((m) => lines(m.out).map((l) => ({ clientId: m.clientId, partition: Number(l.split(':')[0]), value: l.split(':')[1]! })))
        for (let i = 0; i < 200 && received().length < 8; i++) await new Promise((r) => setTimeout(r, 50))
        expect(received().map((r) => r.value).sort()).toEqual(values)
        // Each member read only the partitions the group gave it.
        for (const r of received()) expect(owned.get(r.clientId)).toContain(r.partition)

        for (const m of members) {
          const closed = new Promise<void>((resolve) => m.child.on('close', () => resolve()))
          m.child.kill('SIGTERM')
          await closed
          children.delete(m.child)
        }
      },
    )
  })

  describe('transactions', () => {
    it('commits kcat transactions; read_committed hides an aborted kafkajs transaction, read_uncommitted shows it', async () => {
      const topic = await freshTopic('txn')
      const txId = unique('kcat-tx')
      await kcatOk(['-P', '-t', topic, '-K', ':', '-X', `transactional.id=${txId}`], { input: 'a:committed-1\nb:committed-2\n' })

      const aborter = await kafkajsProducer({
        transactionalId: unique('kafkajs-aborter'),
        idempotent: true,
        maxInFlightRequests: 1,
      })
      const tx = await aborter.transaction()
      await tx.send({ topic, messages: [{ key: 'c', value: 'aborted-1' }, { key: 'd', value: 'aborted-2' }] })
      await tx.abort()

      await kcatOk(['-P', '-t', topic, '-K', ':', '-X', `transactional.id=${txId}`], { input: 'e:committed-3\n' })

      const readAs = async (isolation: string) =>
        lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', '%o %k %s\n']))
      const committed = await readAs('read_committed')
      expect(committed.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['a committed-1', 'b committed-2', 'e committed-3'])
      const uncommitted = await readAs('read_uncommitted')
      expect(uncommitted.map((l) => l.split(' ').slice(1).join(' '))).toEqual([
        'a committed-1',
        'b committed-2',
        'c aborted-1',
        'd aborted-2',
        'e committed-3',
      ])
      // Offsets are the log's own: control markers take offsets, so the committed records sit
      // at the same offsets in both views, with gaps where markers and aborted records are.
      const offsetOf = (rows: string[], key: string) => Number(rows.find((r) => r.split(' ')[1] === key)!.split(' ')[0])
      for (const key of ['a', 'b', 'e']) expect(offsetOf(committed, key)).toBe(offsetOf(uncommitted, key))
      expect(offsetOf(uncommitted, 'c')).toBeGreaterThan(offsetOf(uncommitted, 'b') + 1) // commit marker between
      expect(offsetOf(uncommitted, 'e')).toBeGreaterThan(offsetOf(uncommitted, 'd') + 1) // abort marker between
    })

    it('read_committed stops at an open transaction (last stable offset) until it commits', async () => {
      const topic = await freshTopic('lso')
      await kcatOk(['-P', '-t', topic], { input: 'before\n' })
      const producer = await kafkajsProducer({
        transactionalId: unique('kafkajs-open'),
        idempotent: true,
        maxInFlightRequests: 1,
      })
      const tx = await producer.transaction()
      await tx.send({ topic, messages: [{ value: 'pending' }] })
      await kcatOk(['-P', '-t', topic], { input: 'after\n' })

      const read = async (isolation: string) =>
        lines(await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', '%s\n']))
      expect(await read('read_committed')).toEqual(['before'])
      expect(await read('read_uncommitted')).toEqual(['before', 'pending', 'after'])

      await tx.commit()
      expect(await read('read_committed')).toEqual(['before', 'pending', 'after'])
    })

    it('aborts the open transaction of a producer that vanished once its transaction timeout passes', async () => {
      const topic = await freshTopic('txn-vanished')
      const txId = unique('kcat-tx-gone')
      const child = spawn(
        'kcat',
        ['-b', brokers.join(','), '-P', '-t', topic, '-X', `transactional.id=${txId}`, '-X', 'transaction.timeout.ms=3000'],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      )
      children.add(child)
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
      child.stdin.on('error', () => {})
      // kcat reads stdin in blocks: enough input makes it produce before stdin closes.
      const count = 20_000
      child.stdin.write(Array.from({ length: count }, (_, i) => `line-${i}`).join('\n') + '\n')

      const consume = async (isolation: string) => {
        const r = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', '%s\n'])
        expect(r.code).toBe(0)
        const end = /Reached end of topic .* at offset (\d+)/.exec(r.stderr)
        return { records: lines(r.stdout).length, end: end ? Number(end[1]) : -1 }
      }
      let written = 0
      for (let i = 0; i < 100 && written === 0; i++) {
        written = (await consume('read_uncommitted')).records
        if (written === 0) await new Promise((r) => setTimeout(r, 100))
      }
      expect(written).toBeGreaterThan(0)
      child.kill('SIGKILL') // no chance to commit or abort
      await exited
      children.delete(child)

      // The transaction is still open: read_committed stops at its first offset.
      expect(await consume('read_committed')).toEqual({ records: 0, end: 0 })
      // The coordinator aborts it after transaction.timeout.ms; the abort marker follows the data.
      let after = { records: -1, end: 0 }
      for (let i = 0; i < 100 && after.end === 0; i++) {
        after = await consume('read_committed')
        if (after.end === 0) await new Promise((r) => setTimeout(r, 200))
      }
      expect(after.records).toBe(0)
      const uncommitted = await consume('read_uncommitted')
      expect(after.end).toBe(uncommitted.end)
      expect(uncommitted.end).toBe(uncommitted.records + 1)
    })
  })
})
