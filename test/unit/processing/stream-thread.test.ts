// The runtime's processing layer (StreamThread, TaskManager, PartitionInputs, TaskCommitter) over
// in-memory fakes of the client interfaces: the test drives the group consumer's assignments,
// fetches and commit outcomes; tasks are real StreamTasks over RocksDB in a temporary directory.
import { afterEach, describe, expect, it } from 'vitest'
import { ClientError } from '../../../lib/clients/errors.js'
import { tpKey } from '../../../lib/clients/types.js'
import { deferred } from './fakes.js'
import { CHANGELOG, IN, in0, in1, startThread, type Harness } from './harness.js'

let h: Harness | null = null
afterEach(async () => {
  await h?.stop(false)
  h = null
})

const started = (h: Harness, ...ids: string[]) => () => ids.every(id => h.thread.active.has(id))
/** Everything fetched for the task is processed (its queue is empty). */
const drained = (h: Harness, id: string) => () => h.thread.active.get(id)?.task.buffered() === 0
/** The task runs, and is not the instance `before` (it was closed and created again). */
const restarted = (h: Harness, id: string, before: unknown) => () => {
  const now = h.thread.active.get(id)
  return now !== undefined && now !== before
}
/** A count as the store's changelog holds it (Long, 8 bytes big-endian). */
const long = (n: number) => {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(BigInt(n))
  return b
}
const tick = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Asks the loop to commit (as a rebalance starting does) and waits until `done`. */
async function commit(h: Harness, done: () => boolean): Promise<void> {
  h.consumer.handlers!.onRebalanceStarted()
  await h.until(done, 'the commit went through')
}

describe('StreamThread with in-memory clients', () => {
  it('an assignment change mid-processing: a revoked task commits what it processed, a kept one continues from its position', async () => {
    h = await startThread()
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0', '0_1'), 'both tasks started')
    h.cluster.produce(IN, 0, 'a:1', 'a:2')
    h.cluster.produce(IN, 1, 'b:1', 'b:2', 'b:3')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(() => drained(h!, '0_0')() && drained(h!, '0_1')(), 'both processed')
    // 0_0 moves away
    h.consumer.assign([in1])
    await h.until(async () => typeof (await h!.checkpoint('0_0')) === 'object', '0_0 closed clean')
    // its clean close committed what it processed, and its partition takes no more records
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 2 })
    h.consumer.deliver(IN, 0, h.cluster.produce(IN, 0, 'a:3'))
    // 0_1 stays: the new generation continues from where it is (3), not from its commit (none)
    expect(h.cluster.committedOffset(IN, 1)).toBeUndefined()
    expect(h.consumer.fetch(IN, 1)).toBe(0)
    expect(h.consumer.positions.get(tpKey(IN, 1))).toBe(3)
    expect(h.thread.active.has('0_1')).toBe(true)

    // 0_0 comes back: it starts from the committed offset and counts every record once
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0'), '0_0 started again')
    h.consumer.fetch(IN, 0)
    await h.until(() => h!.outputs('a').length === 3, 'a counted to 3')
    expect(h.outputs('a')).toEqual(['1', '2', '3'])
    expect(h.outputs('b')).toEqual(['1', '2', '3'])
  })

  it('revocation during a commit: the commit completes, the revoked task closes clean and takes no records fetched meanwhile', async () => {
    h = await startThread({ processingGuarantee: 'exactly_once_v2' })
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0', '0_1'), 'both tasks started')
    h.cluster.produce(IN, 0, 'a:1', 'a:2')
    h.cluster.produce(IN, 1, 'b:1')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await h.until(() => drained(h!, '0_0')() && drained(h!, '0_1')(), 'both processed')
    const gate = deferred()
    const producer = h.clients.producers.find(p => p.transactionalId === 'app-0_0')!
    producer.holdCommit = gate.promise
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(() => producer.holdCommit === null, "0_0's transaction is committing")
    // the group takes 0_0 away while its transaction commits; a batch fetched before arrives
    h.consumer.assign([in1])
    h.consumer.deliver(IN, 0, h.cluster.produce(IN, 0, 'a:3'))
    gate.resolve()
    await h.until(async () => typeof (await h!.checkpoint('0_0')) === 'object', '0_0 closed clean')
    expect(h.thread.active.has('0_0')).toBe(false)
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(h.cluster.committedOffset(IN, 1)).toBe(1)
    expect(h.outputs('a')).toEqual(['1', '2'])
    // under exactly_once_v2 only a clean close writes a checkpoint
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 2 })
    expect(h.thread.active.has('0_1')).toBe(true)
    expect(producer.aborts).toBe(0)
  })

  it('membership lost during a commit: nothing is committed for the lost generation, tasks restart from the committed offsets', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 1)
    const before = h.thread.active.get('0_0')
    // the next commit's flush hangs on the producer; meanwhile the member rejoins under a new id
    const sends = deferred()
    h.shared.holdSends = sends.promise
    h.cluster.produce(IN, 0, 'a:2', 'a:3')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    h.consumer.handlers!.onRebalanceStarted()
    await tick(20)
    const commitsBefore = h.consumer.commits
    h.consumer.assign([in0], true)
    h.shared.holdSends = null
    sends.resolve()
    await h.until(restarted(h, '0_0', before), '0_0 restarted')
    expect(h.consumer.commits).toBe(commitsBefore)
    expect(h.cluster.committedOffset(IN, 0)).toBe(1)
    // restarted from the committed offset, not from its old position (3)
    expect(h.consumer.positions.get(tpKey(IN, 0))).toBe(1)
    expect(h.consumer.paused.has(tpKey(IN, 0))).toBe(false)
  })

  it('fencing during an exactly_once_v2 commit: the task aborts, restarts with a new producer, and its output is written once', async () => {
    h = await startThread({ processingGuarantee: 'exactly_once_v2' })
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1', 'a:2')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    const first = h.thread.active.get('0_0')
    h.cluster.fenced.add('app-0_0')
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(restarted(h, '0_0', first), '0_0 restarted')
    const producers = h.clients.producers.filter(p => p.transactionalId === 'app-0_0')
    expect(producers).toHaveLength(2)
    expect(producers[0]!.aborts).toBe(1)
    expect(h.cluster.committedOffset(IN, 0)).toBeUndefined()
    expect(h.cluster.visible(CHANGELOG, 0)).toHaveLength(0)
    // the restarted task redoes the records from the last commit (none) and commits them once
    expect(h.consumer.positions.get(tpKey(IN, 0))).toBe(0)
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'reprocessed')
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2)
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.fatal).toEqual([])
  })

  it('a restore interrupted by a rebalance: the task that moved away closes with its restored position checkpointed', async () => {
    h = await startThread()
    // 0_0's state: three counts in its changelog, no checkpoint yet
    h.cluster.append(CHANGELOG, 0, ['x', 'y', 'z'].map(k => ({ key: Buffer.from(k), value: long(1), timestamp: 1, partition: 0 })))
    const restore = deferred()
    h.reader.holdFetches = restore.promise
    h.consumer.assign([in0, in1])
    await h.until(() => h!.reader.fetched.length > 0, 'the restore of 0_0 began')
    // a new generation takes 0_0 away while it restores; a stale batch for it arrives
    h.consumer.assign([in1])
    h.consumer.deliver(IN, 0, h.cluster.produce(IN, 0, 'x:1'))
    h.reader.holdFetches = null
    restore.resolve()
    await h.until(started(h, '0_1'), '0_1 started')
    await h.until(async () => typeof (await h!.checkpoint('0_0')) === 'object', '0_0 closed clean')
    expect(h.thread.active.has('0_0')).toBe(false)
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 3 })
    expect(h.outputs('x')).toEqual([])

    // back here, it restores nothing again (it starts from the checkpoint) and continues from the state
    const fetchesBefore = h.reader.fetched.length
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0'), '0_0 started again')
    expect(h.reader.fetched.slice(fetchesBefore).flat().filter(p => p.topic === CHANGELOG && p.offset < 3)).toEqual([])
    h.consumer.fetch(IN, 0)
    await h.until(() => h!.outputs('x').length === 1, 'x counted')
    expect(h.outputs('x')).toEqual(['2'])
  })

  it("standby promotion: the active task restores only the delta after the standby's position", async () => {
    h = await startThread()
    h.cluster.append(CHANGELOG, 0, [
      { key: Buffer.from('s'), value: long(5), timestamp: 1, partition: 0 },
      { key: Buffer.from('t'), value: long(1), timestamp: 1, partition: 0 },
    ])
    h.standbys(['0_0'])
    h.consumer.assign([in1])
    await h.until(() => h!.thread.standby.get('0_0')?.offsetSum() === 2, 'the standby caught up')
    // promoted before the standby read the last record: the active task restores that one only
    h.cluster.append(CHANGELOG, 0, [{ key: Buffer.from('s'), value: long(6), timestamp: 1, partition: 0 }])
    h.standbys([])
    const fetchesBefore = h.reader.fetched.length
    h.consumer.assign([in0, in1])
    await h.until(started(h, '0_0'), '0_0 active')
    expect(h.thread.standby.has('0_0')).toBe(false)
    const restoreFrom = h.reader.fetched.slice(fetchesBefore).flat().filter(p => p.topic === CHANGELOG && p.partition === 0).map(p => p.offset)
    expect(restoreFrom.length).toBeGreaterThan(0)
    expect(Math.min(...restoreFrom)).toBe(2)
    h.cluster.produce(IN, 0, 's:x')
    h.consumer.fetch(IN, 0)
    await h.until(() => h!.outputs('s').length === 1, 's counted')
    expect(h.outputs('s')).toEqual(['7'])
  })

  it('checkpoint contents after a clean close under exactly_once_v2: the changelog offsets its last commit made durable', async () => {
    h = await startThread({ processingGuarantee: 'exactly_once_v2' })
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1', 'b:1', 'a:2')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    await h.thread.shutdown(true)
    expect(h.cluster.committedOffset(IN, 0)).toBe(3)
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 3 })
  })

  it('checkpoint contents after an unclean close under at_least_once: those of the last commit, not of what was processed since', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1', 'b:1')
    h.consumer.fetch(IN, 0)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 2)
    h.cluster.produce(IN, 0, 'a:2')
    h.consumer.fetch(IN, 0)
    await h.until(() => h!.outputs('a').length === 2, 'processed')
    await h.thread.shutdown(false)
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(h.cluster.log(CHANGELOG, 0)).toHaveLength(3)
    expect(await h.checkpoint('0_0')).toEqual({ [`${CHANGELOG}-0`]: 2 })
  })

  it('checkpoint contents after an unclean close under exactly_once_v2: none, so the state is rebuilt from the changelog', async () => {
    h = await startThread({ processingGuarantee: 'exactly_once_v2' })
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 1)
    h.cluster.produce(IN, 0, 'a:2')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    await h.thread.shutdown(false)
    expect(await h.checkpoint('0_0')).toBe('missing')
    expect(h.cluster.committedOffset(IN, 0)).toBe(1)
    expect(h.cluster.visible(CHANGELOG, 0)).toHaveLength(1)
  })

  it('membership lost on rejoin: tasks close dirty without committing and restart from the committed offsets; stale batches are dropped', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 1)
    h.cluster.produce(IN, 0, 'a:2', 'a:3')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    const stale = h.cluster.produce(IN, 0, 'a:4')
    const first = h.thread.active.get('0_0')
    const commits = h.consumer.commits
    h.consumer.assign([in0], true)
    // synchronously, before the consumer fetches again: the lost task's partition is paused
    expect(h.consumer.paused.has(tpKey(IN, 0))).toBe(true)
    // a batch the old generation fetched arrives after the loss: no task takes it
    h.consumer.deliver(IN, 0, stale)
    await h.until(restarted(h, '0_0', first), '0_0 restarted')
    expect(h.consumer.commits).toBe(commits)
    expect(h.consumer.positions.get(tpKey(IN, 0))).toBe(1)
    expect(h.thread.active.get('0_0')!.task.buffered()).toBe(0)
  })

  it('session expiry: no processing and no commit while the coordinator has not confirmed the member', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.consumer.unconfirmedMs = 60_000
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    h.consumer.handlers!.onRebalanceStarted()
    await tick(150)
    expect(h.thread.active.get('0_0')!.task.buffered()).toBe(1)
    expect(h.consumer.commits).toBe(0)
    h.consumer.unconfirmedMs = null
    await h.until(() => h!.cluster.committedOffset(IN, 0) === 1, 'processed and committed once confirmed')
    expect(h.outputs('a')).toEqual(['1'])
  })

  it('a commit refused as retriable is retried after a backoff, without losing the tasks', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    const task = h.thread.active.get('0_0')
    const refused = deferred()
    refused.promise.catch(() => {})
    refused.reject(new ClientError('retriable', 'coordinator not available', 15))
    h.consumer.nextCommit = refused.promise
    await commit(h, () => h!.cluster.committedOffset(IN, 0) === 1)
    expect(h.consumer.commits).toBe(2)
    expect(h.thread.active.get('0_0')).toBe(task)
    expect(h.fatal).toEqual([])
  })
})
