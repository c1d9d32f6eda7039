// exactly_once_v2 with one transactional producer per stream thread (KIP-447, Kafka Streams' EOS
// v2) over the in-memory fakes: the client reports group metadata for transactional offset
// commits, so every task of the thread shares one producer and one transaction per commit.
import { afterEach, describe, expect, it } from 'vitest'
import { ClientError } from '../../../lib/clients/errors.js'
import { tpKey } from '../../../lib/clients/types.js'
import { resolveConfig } from '../../../lib/config/resolve.js'
import { threadProducerFor } from '../../../lib/lifecycle/thread-start.js'
import { deferred, FakeClients, FakeCluster, type FakeProducer } from './fakes.js'
import { CHANGELOG, IN, in0, in1, OUT, startThread, type Harness } from './harness.js'

let h: Harness | null = null
afterEach(async () => {
  await h?.stop(false)
  h = null
})

const EOS = { processingGuarantee: 'exactly_once_v2' } as const
const THREAD_TXN_ID = 'app-p1-1'

const started = (h: Harness, ...ids: string[]) => () => ids.every(id => h.thread.active.has(id))
const drained = (h: Harness, ...ids: string[]) => () => ids.every(id => h.thread.active.get(id)?.task.buffered() === 0)
const restarted = (h: Harness, id: string, before: unknown) => () => {
  const now = h.thread.active.get(id)
  return now !== undefined && now !== before
}
const transactional = (h: Harness): FakeProducer[] => h.clients.producers.filter(p => p.transactionalId !== undefined)
const threadProducers = (h: Harness): FakeProducer[] => h.clients.producers.filter(p => p.transactionalId === THREAD_TXN_ID)
const tick = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Asks the loop to commit (as a rebalance starting does) and waits until `done`. */
async function commit(h: Harness, done: () => boolean): Promise<void> {
  h.consumer.handlers!.onRebalanceStarted()
  await h.until(done, 'the commit went through')
}

/** Two tasks, each with records processed and not committed yet. */
async function twoTasksWithOutput(h: Harness): Promise<void> {
  h.consumer.assign([in0, in1])
  await h.until(started(h, '0_0', '0_1'), 'both tasks started')
  h.cluster.produce(IN, 0, 'a:1', 'a:2')
  h.cluster.produce(IN, 1, 'b:1')
  h.consumer.fetch(IN, 0)
  h.consumer.fetch(IN, 1)
  await h.until(drained(h, '0_0', '0_1'), 'both processed')
}

describe('exactly_once_v2 with a producer per stream thread (KIP-447)', () => {
  it("one transactional producer for the thread's tasks, initialized once; one transaction per commit with every task's offsets and the group metadata", async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)

    expect(transactional(h).map(p => p.transactionalId)).toEqual([THREAD_TXN_ID])
    const [producer] = threadProducers(h)
    expect(producer!.inits).toBe(1)
    expect(producer!.commits).toBe(1)
    expect(producer!.offsetCommits).toHaveLength(1)
    const [sent] = producer!.offsetCommits
    expect(sent!.offsets.map(o => `${o.topic}-${o.partition}@${o.offset}`).sort()).toEqual([`${IN}-0@2`, `${IN}-1@1`])
    expect(sent!.group).toEqual({ generationId: h.cluster.generation, memberId: 'member-1' })
    // the output and changelog records of both tasks became visible in that one transaction
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.outputs('b')).toEqual(['1'])
    expect(h.cluster.visible(CHANGELOG, 0)).toHaveLength(2)
    expect(h.cluster.visible(CHANGELOG, 1)).toHaveLength(1)

    // nothing processed since, no open transaction: a commit starts no transaction
    const begins = producer!.begins
    h.consumer.handlers!.onRebalanceStarted()
    await tick(30)
    expect(producer!.begins).toBe(begins)
    expect(producer!.commits).toBe(1)
    expect(h.fatal).toEqual([])
  })

  it('the producer is fenced: every task is lost, the producer is re-created, and the output is written once', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2)
    h.cluster.produce(IN, 0, 'a:3')
    h.cluster.produce(IN, 1, 'b:2')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'processed again')
    const [t0, t1] = [h.thread.active.get('0_0'), h.thread.active.get('0_1')]
    h.cluster.fenced.add(THREAD_TXN_ID)
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(() => restarted(h!, '0_0', t0)() && restarted(h!, '0_1', t1)(), 'both tasks restarted')

    const producers = threadProducers(h)
    expect(producers).toHaveLength(2)
    expect(producers[0]!.disconnected).toBe(true)
    expect(producers[0]!.aborts).toBe(1)
    expect(producers[1]!.inits).toBe(1)
    // nothing of the fenced transaction committed; both tasks start again from the last commit
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(h.cluster.committedOffset(IN, 1)).toBe(1)
    expect(h.consumer.positions.get(tpKey(IN, 0))).toBe(2)
    expect(h.consumer.positions.get(tpKey(IN, 1))).toBe(1)
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 3 && h!.cluster.committedOffset(IN, 1) === 2)
    expect(h.outputs('a')).toEqual(['1', '2', '3'])
    expect(h.outputs('b')).toEqual(['1', '2'])
    expect(h.fatal).toEqual([])
  })

  it("the coordinator refuses the offsets of an old generation (a zombie): every task is lost and nothing of the zombie's transaction commits", async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const [t0, t1] = [h.thread.active.get('0_0'), h.thread.active.get('0_1')]
    // the group moved on without this member noticing (it missed a rebalance)
    h.cluster.generation++
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(() => restarted(h!, '0_0', t0)() && restarted(h!, '0_1', t1)(), 'both tasks restarted')
    const [producer] = threadProducers(h)
    expect(producer!.offsetCommits).toHaveLength(1)
    expect(producer!.commits).toBe(0)
    expect(producer!.aborts).toBe(1)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    expect(h.outputs('a')).toEqual([])
    expect(h.cluster.visible(CHANGELOG, 0)).toHaveLength(0)

    // it rejoins: the tasks redo their records from the committed offsets, once
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0', '0_1'), 'both tasks started again')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.outputs('b')).toEqual(['1'])
    expect(h.fatal).toEqual([])
  })

  it("one task's output cannot be sent: the transaction aborts and every task with output in it starts again from its last commit", async () => {
    h = await startThread(EOS, { kip447: true })
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0', '0_1'), 'both tasks started')
    const [producer] = threadProducers(h)
    // sends of task 0_1 (its changelog partition) fail as a partition without a leader would
    producer!.failSend = batches =>
      batches.some(b => b.topic === CHANGELOG && b.records.some(r => r.partition === 1)) ? new ClientError('retriable', 'not leader', 6) : null
    h.cluster.produce(IN, 0, 'a:1')
    h.cluster.produce(IN, 1, 'b:1')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'both processed')
    const [t0, t1] = [h.thread.active.get('0_0'), h.thread.active.get('0_1')]
    h.consumer.handlers!.onRebalanceStarted()
    // 0_0's own output was sent, but it was in the transaction that aborts: it restarts too
    await h.until(() => restarted(h!, '0_0', t0)() && restarted(h!, '0_1', t1)(), 'both tasks restarted')
    expect(producer!.aborts).toBe(1)
    expect(producer!.commits).toBe(0)
    expect(producer!.offsetCommits).toHaveLength(0)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    expect(h.outputs('a')).toEqual([])
    // the thread keeps its producer (it was not fenced)
    expect(threadProducers(h)).toHaveLength(1)

    producer!.failSend = null
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 1 && h!.cluster.committedOffset(IN, 1) === 1)
    expect(h.outputs('a')).toEqual(['1'])
    expect(h.outputs('b')).toEqual(['1'])
    expect(h.fatal).toEqual([])
  })

  it('a task without output in the aborted transaction keeps running and commits its work later', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)
    const [producer] = threadProducers(h)
    producer!.failSend = batches => (batches.some(b => b.topic === CHANGELOG) ? new ClientError('retriable', 'not leader', 6) : null)
    h.cluster.produce(IN, 1, 'b:2')
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_1'), '0_1 processed')
    const [t0, t1] = [h.thread.active.get('0_0'), h.thread.active.get('0_1')]
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(restarted(h, '0_1', t1), '0_1 restarted')
    expect(h.thread.active.get('0_0')).toBe(t0)
    expect(producer!.aborts).toBe(1)
    producer!.failSend = null
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 1) === 2)
    expect(h.outputs('b')).toEqual(['1', '2'])
  })

  it("a commit whose outcome is unknown: the transaction aborts and the tasks with output in it start again from what is committed", async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const [t0, t1] = [h.thread.active.get('0_0'), h.thread.active.get('0_1')]
    const [producer] = threadProducers(h)
    const lostAnswer = Promise.reject(new ClientError('retriable', 'request timed out', 7))
    lostAnswer.catch(() => {})
    producer!.holdCommit = lostAnswer
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(() => restarted(h!, '0_0', t0)() && restarted(h!, '0_1', t1)(), 'both tasks restarted')
    expect(producer!.aborts).toBe(1)
    // the coordinator may hold the transaction in any state: a new producer's init resolves it at once
    expect(threadProducers(h)).toHaveLength(2)
    expect(producer!.disconnected).toBe(true)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_0', '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.outputs('b')).toEqual(['1'])
    expect(h.fatal).toEqual([])
  })

  it('membership lost while the tasks flush: the offsets are not sent, the transaction aborts, the producer is re-created', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const [producer] = threadProducers(h)
    const sends = deferred()
    producer!.holdSends = sends.promise
    h.cluster.produce(IN, 0, 'a:3')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    const t0 = h.thread.active.get('0_0')
    h.consumer.handlers!.onRebalanceStarted()
    await tick(20)
    h.consumer.assign([in0, in1], true)
    producer!.holdSends = null
    sends.resolve()
    await h.until(restarted(h, '0_0', t0), '0_0 restarted')
    expect(producer!.offsetCommits).toHaveLength(0)
    expect(producer!.aborts).toBe(1)
    expect(threadProducers(h)).toHaveLength(2)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    expect(h.consumer.positions.get(tpKey(IN, 0))).toBe(0)
  })

  it('between generations (the consumer rejoins) nothing commits: offsets without group metadata would go unchecked; the commit follows once it has one', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const [producer] = threadProducers(h)
    h.consumer.betweenGenerations = true
    h.consumer.handlers!.onRebalanceStarted()
    await tick(50)
    expect(producer!.offsetCommits).toHaveLength(0)
    expect(producer!.commits).toBe(0)
    h.consumer.betweenGenerations = false
    await h.until(() => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1, 'committed with the generation')
    expect(producer!.offsetCommits.map(c => c.group)).toEqual([{ generationId: h.cluster.generation, memberId: 'member-1' }])
    expect(h.outputs('a')).toEqual(['1', '2'])
  })

  it('revocation: the commit as the rebalance starts covers every task; the revoked task then closes clean with its checkpoint', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)
    const t1 = h.thread.active.get('0_1')
    h.consumer.assign([in1])
    await h.until(async () => typeof (await h!.checkpoint('0_0')) === 'object', '0_0 closed clean')
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 2 })
    expect(h.thread.active.get('0_1')).toBe(t1)
    expect(threadProducers(h)[0]!.aborts).toBe(0)
  })

  it('revocation of a task with output not committed: that output never commits (the new owner may have started), the transaction aborts', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const t1 = h.thread.active.get('0_1')
    h.consumer.assign([in1])
    await h.until(() => !h!.thread.active.has('0_0') && restarted(h!, '0_1', t1)(), '0_0 closed, 0_1 restarted')
    const [producer] = threadProducers(h)
    expect(producer!.aborts).toBe(1)
    expect(producer!.commits).toBe(0)
    expect(h.outputs('a')).toEqual([])
    expect(await h.checkpoint('0_0')).toBe('missing')
    h.consumer.fetch(IN, 1)
    await h.until(drained(h, '0_1'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 1) === 1)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    expect(h.outputs('b')).toEqual(['1'])
  })

  it('a clean shutdown commits every task in one transaction, then closes the thread producer', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    await h.thread.shutdown(true)
    const [producer] = threadProducers(h)
    expect(producer!.commits).toBe(1)
    expect(producer!.disconnected).toBe(true)
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(h.cluster.committedOffset(IN, 1)).toBe(1)
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 2 })
    expect(await h.checkpoint('0_1')).toEqual({ [`${CHANGELOG}-1`]: 1 })
  })

  it('a client without KIP-447 (kafkajs): one transactional producer per task, offsets without group metadata', async () => {
    h = await startThread(EOS)
    await twoTasksWithOutput(h)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2 && h!.cluster.committedOffset(IN, 1) === 1)
    expect(transactional(h).map(p => p.transactionalId).sort()).toEqual(['app-0_0', 'app-0_1'])
    for (const p of transactional(h)) {
      expect(p.commits).toBe(1)
      expect(p.offsetCommits.map(c => c.group)).toEqual([undefined])
    }
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.cluster.visible(OUT, 0).length + h.cluster.visible(OUT, 1).length).toBe(3)
  })
})

describe("exactly_once_v2 with a producer per stream thread: a previous owner's transaction", () => {
  it('a task waits until no open transaction holds offsets of its inputs before it restores, so its state matches those offsets', async () => {
    h = await startThread(EOS, { kip447: true })
    // the previous owner's transaction: a changelog record (x counted to 1) and the offset of
    // in-0 after the record it processed, not committed yet
    const long1 = Buffer.alloc(8)
    long1.writeBigInt64BE(1n)
    h.cluster.append(IN, 0, [{ key: Buffer.from('x'), value: Buffer.from('1'), timestamp: 1, partition: 0 }])
    const at = h.cluster.append(CHANGELOG, 0, [{ key: Buffer.from('x'), value: long1, timestamp: 1, partition: 0 }])
    h.cluster.invisible.add(`${tpKey(CHANGELOG, 0)}@${at}`)
    h.cluster.unstableOffsets.add(IN)
    h.consumer.assign([in0])
    await h.until(() => h!.cluster.unstableAnswers > 0, 'the offsets were found unstable')
    expect(h.thread.active.has('0_0')).toBe(false)
    expect(h.reader.fetched.flat().filter(p => p.topic === CHANGELOG)).toEqual([])
    // that transaction commits
    h.cluster.invisible.clear()
    h.cluster.commit([{ topic: IN, partition: 0, offset: 1 }])
    h.cluster.unstableOffsets.clear()
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'x:2')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2)
    await h.until(() => h!.outputs('x').length === 1, 'x counted')
    expect(h.outputs('x')).toEqual(['2'])
  })
})

describe('thread producers: transactional ids', () => {
  it("`<applicationId>-<processId>-<index>`, the smallest index no running thread uses, so a replacement thread takes the failed one's id", async () => {
    const config = resolveConfig({ applicationId: 'app', brokers: ['127.0.0.1:9092'], processingGuarantee: 'exactly_once_v2' })
    const clients = new FakeClients(new FakeCluster(), true)
    const first = threadProducerFor(config, clients, 'proc')!
    const second = threadProducerFor(config, clients, 'proc')!
    expect([first.transactionalId, second.transactionalId]).toEqual(['app-proc-1', 'app-proc-2'])
    await first.dispose()
    expect(threadProducerFor(config, clients, 'proc')!.transactionalId).toBe('app-proc-1')
    expect(threadProducerFor(config, clients, 'other')!.transactionalId).toBe('app-other-1')
    // without KIP-447 (kafkajs) or under at_least_once: none, tasks have their own
    expect(threadProducerFor(config, new FakeClients(new FakeCluster(), false), 'proc')).toBeNull()
    expect(threadProducerFor(resolveConfig({ applicationId: 'app', brokers: ['127.0.0.1:9092'] }), clients, 'proc')).toBeNull()
  })
})
