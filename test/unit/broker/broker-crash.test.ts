// What the broker acknowledges survives a restart with its data dir and a kill -9 of its process,
// as Kafka survives a process crash: committed offsets, and an open transaction with its records,
// partitions and TxnOffsetCommit offsets, which its producer can then commit, or which times out
// and is aborted with its producer fenced.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { EmbeddedKafka } from '../../../broker/index.js'
import {
  AddOffsetsToTxn, AddPartitionsToTxn, CreateTopics, EndTxn, Fetch, InitProducerId, OffsetCommit, OffsetFetch, Produce, TxnOffsetCommit,
} from './raw-client.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { RawClient } from './raw-client.js'
import { batch, readable } from './log-test-batches.js'

const CLI = new URL('../../../broker/cli.ts', import.meta.url).pathname
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** A broker with a data dir that can be restarted in process or killed with SIGKILL and started again. */
interface Broker { port: number; restart(): Promise<void> }

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function spawnBroker(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', String(port), '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d) => { err += d })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d
      if (out.includes(`127.0.0.1:${port}`)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before listening: ${err}`)))
  })
  return child
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kstreams-broker-crash-'))
  cleanup.push(() => rmSync(d, { recursive: true, force: true }))
  return d
}

/** `restart()` of EmbeddedKafka in this process. */
async function inProcess(): Promise<Broker> {
  const k = await EmbeddedKafka.start({ port: 0, dataDir: tempDir() })
  cleanup.push(() => k.stop())
  return { port: k.port, restart: () => k.restart() }
}

/** The broker's own process (`broker/cli.ts`), restarted by kill -9 and a new process on the same port and data dir. */
async function childProcess(): Promise<Broker> {
  const dataDir = tempDir()
  const port = await freePort()
  let child = await spawnBroker(port, dataDir)
  cleanup.push(() => killed(child))
  return {
    port,
    restart: async () => {
      await killed(child)
      child = await spawnBroker(port, dataDir)
    },
  }
}

const kinds = { 'restart()': inProcess, 'kill -9': childProcess }

async function createTopics(c: RawClient, names: string[]): Promise<void> {
  const r = await c.request(CreateTopics, 7, {
    topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false,
  })
  expect(r.body.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual(names.map(() => 0))
}

async function committedOffset(c: RawClient, group: string, topic: string): Promise<number> {
  const r = await c.request(OffsetFetch, 7, { groupId: group, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: false })
  return Number(r.body.topics[0].partitions[0].committedOffset)
}

async function readCommitted(c: RawClient, topic: string) {
  const r = await c.request(Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  })
  const p = r.body.responses[0].partitions[0]
  return {
    highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset), records: await readable(p.records),
    aborted: (p.abortedTransactions ?? []).map((t: { producerId: number; firstOffset: number }) => [Number(t.producerId), Number(t.firstOffset)]),
  }
}

/** A connection that reconnects (to the same port) after the broker went away. */
async function reconnect(b: Broker, previous: RawClient): Promise<RawClient> {
  previous.close()
  const c = await RawClient.connect(b.port)
  cleanup.push(() => c.close())
  return c
}

describe('committed offsets', () => {
  it('an acknowledged OffsetCommit survives kill -9 of the broker process, even right after the answer', async () => {
    const b = await childProcess()
    let c = await RawClient.connect(b.port)
    cleanup.push(() => c.close())
    await createTopics(c, ['in'])
    const r = await c.request(OffsetCommit, 7, {
      groupId: 'app', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
    })
    expect(r.body.topics[0].partitions[0].errorCode).toBe(0)
    await b.restart() // SIGKILL as soon as the answer is in
    c = await reconnect(b, c)
    expect(await committedOffset(c, 'app', 'in')).toBe(42)
  })
})

for (const [kind, start] of Object.entries(kinds)) {
  describe(`a transaction open across ${kind}`, () => {
    /** Records 'a', 'b' in 'out' and offset 7 of 'in' for group 'app', not yet committed. */
    async function openTransaction(c: RawClient, timeoutMs: number): Promise<number> {
      await createTopics(c, ['in', 'out'])
      const init = (await c.request(InitProducerId, 4, { transactionalId: 'app-0_0', transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1 })).body
      expect(init).toMatchObject({ errorCode: 0, producerEpoch: 0 })
      const pid = Number(init.producerId)
      const add = await c.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'app-0_0', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'out', partitions: [0] }] })
      expect(add.body.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(0)
      const records = await batch({ records: [{ key: 'k', value: 'a' }, { key: 'k', value: 'b' }], producerId: pid, producerEpoch: 0, firstSequence: 0, transactional: true })
      const produced = await c.request(Produce, 9, { transactionalId: 'app-0_0', acks: -1, timeoutMs: 5000, topicData: [{ name: 'out', partitionData: [{ index: 0, records }] }] })
      expect(produced.body.responses[0].partitionResponses[0].errorCode).toBe(0)
      expect((await c.request(AddOffsetsToTxn, 3, { transactionalId: 'app-0_0', producerId: pid, producerEpoch: 0, groupId: 'app' })).body.errorCode).toBe(0)
      const offsets = await c.request(TxnOffsetCommit, 3, {
        transactionalId: 'app-0_0', groupId: 'app', producerId: pid, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      })
      expect(offsets.body.topics[0].partitions[0].errorCode).toBe(0)
      return pid
    }

    it('its producer commits it afterwards: read_committed sees all of it and the offsets are committed', async () => {
      const b = await start()
      let c = await RawClient.connect(b.port)
      cleanup.push(() => c.close())
      const pid = await openTransaction(c, 60_000)
      await b.restart()
      c = await reconnect(b, c)

      expect(await readCommitted(c, 'out')).toMatchObject({ highWatermark: 2, lastStableOffset: 0, records: [] })
      expect(await committedOffset(c, 'app', 'in')).toBe(-1)
      expect((await c.request(EndTxn, 3, { transactionalId: 'app-0_0', producerId: pid, producerEpoch: 0, committed: true })).body.errorCode).toBe(0)
      expect(await readCommitted(c, 'out')).toEqual({ highWatermark: 3, lastStableOffset: 3, records: [[0, 'k', 'a'], [1, 'k', 'b']], aborted: [] })
      expect(await committedOffset(c, 'app', 'in')).toBe(7)

      await b.restart()
      c = await reconnect(b, c)
      expect(await committedOffset(c, 'app', 'in')).toBe(7)
      expect((await readCommitted(c, 'out')).lastStableOffset).toBe(3)
    })

    it('timed out, it is aborted: the producer is fenced, read_committed sees none of it, the offsets are not committed', async () => {
      const b = await start()
      let c = await RawClient.connect(b.port)
      cleanup.push(() => c.close())
      const pid = await openTransaction(c, 1500)
      await b.restart()
      c = await reconnect(b, c)

      // The coordinator aborts it once its timeout has passed (wall clock, kept across the restart).
      let seen = await readCommitted(c, 'out')
      while (seen.lastStableOffset < seen.highWatermark) {
        await new Promise((r) => setTimeout(r, 100))
        seen = await readCommitted(c, 'out')
      }
      expect(seen).toEqual({ highWatermark: 3, lastStableOffset: 3, records: [[0, 'k', 'a'], [1, 'k', 'b']], aborted: [[pid, 0]] }) // the reader drops them
      expect(await committedOffset(c, 'app', 'in')).toBe(-1)

      // Fenced, never a new transaction: AddOffsetsToTxn/AddPartitionsToTxn/EndTxn with the old epoch.
      const addOffsets = async (v: number) => (await c.request(AddOffsetsToTxn, v, { transactionalId: 'app-0_0', producerId: pid, producerEpoch: 0, groupId: 'app' })).body.errorCode
      expect(await addOffsets(1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
      expect(await addOffsets(3)).toBe(ErrorCode.PRODUCER_FENCED)
      const addPartitions = async (v: number) => (await c.request(AddPartitionsToTxn, v, {
        v3AndBelowTransactionalId: 'app-0_0', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'out', partitions: [0] }],
      })).body.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode
      expect(await addPartitions(1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
      expect(await addPartitions(3)).toBe(ErrorCode.PRODUCER_FENCED)
      expect((await c.request(EndTxn, 3, { transactionalId: 'app-0_0', producerId: pid, producerEpoch: 0, committed: true })).body.errorCode).toBe(ErrorCode.PRODUCER_FENCED)
      expect(await committedOffset(c, 'app', 'in')).toBe(-1)
    })
  })
}

describe('kafkajs, mid-transaction across restart()', () => {
  it('sends offsets and commits after the restart: the records and the offsets commit together', async () => {
    const k = await EmbeddedKafka.start({ port: 0, dataDir: tempDir() })
    cleanup.push(() => k.stop())
    k.createTopic('in', 1)
    k.createTopic('out', 1)
    const kafka = new Kafka({ clientId: 'crash-test', brokers: k.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } })
    const producer = kafka.producer({ transactionalId: 'app-0_1', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    cleanup.push(() => producer.disconnect().catch(() => {}))
    const txn = await producer.transaction()
    await txn.send({ topic: 'out', messages: [{ key: 'k', value: 'a' }, { key: 'k', value: 'b' }] })
    await k.restart()
    // kafkajs's first request after the restart meets the closed connection and gives up finding the
    // coordinator (KafkaJSGroupCoordinatorNotFound); an application retries, and so does this test.
    for (let attempt = 1; ; attempt++) {
      try {
        await txn.sendOffsets({ consumerGroupId: 'app', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '7' }] }] })
        break
      } catch (err) {
        if ((err as Error).name !== 'KafkaJSGroupCoordinatorNotFound' || attempt === 5) throw err
      }
    }
    await txn.commit()

    const c = await RawClient.connect(k.port)
    cleanup.push(() => c.close())
    expect(await readCommitted(c, 'out')).toEqual({ highWatermark: 3, lastStableOffset: 3, records: [[0, 'k', 'a'], [1, 'k', 'b']], aborted: [] })
    expect(await committedOffset(c, 'app', 'in')).toBe(7)
  })
})
