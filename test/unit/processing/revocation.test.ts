// A consumer that reports revocation (Kafka's onPartitionsRevoked, eager protocol): the thread
// commits, settles the consumer's wait once that commit is made, and processes nothing until the
// new assignment arrives, so a task the group moves never has output in the open transaction.
import { afterEach, describe, expect, it } from 'vitest'
import { CHANGELOG, IN, in0, in1, startThread, type Harness } from './harness.js'

let h: Harness | null = null
afterEach(async () => {
  await h?.stop(false)
  h = null
})

const EOS = { processingGuarantee: 'exactly_once_v2' } as const
const started = (h: Harness, ...ids: string[]) => () => ids.every(id => h.thread.active.has(id))
const drained = (h: Harness, ...ids: string[]) => () => ids.every(id => h.thread.active.get(id)?.task.buffered() === 0)
const tick = (ms: number) => new Promise(r => setTimeout(r, ms))

async function twoTasksWithOutput(h: Harness): Promise<void> {
  h.consumer.assign([in0, in1])
  await h.until(started(h, '0_0', '0_1'), 'both tasks started')
  h.cluster.produce(IN, 0, 'a:1', 'a:2')
  h.cluster.produce(IN, 1, 'b:1')
  h.consumer.fetch(IN, 0)
  h.consumer.fetch(IN, 1)
  await h.until(drained(h, '0_0', '0_1'), 'both processed')
}

describe('revocation: commit, then no processing until the new assignment', () => {
  it('exactly_once_v2 (thread producer): the revocation commit settles the wait, records fetched before the assignment wait, and a moved task aborts nothing', async () => {
    h = await startThread(EOS, { kip447: true })
    await twoTasksWithOutput(h)
    const producer = h.clients.producers.find(p => p.transactionalId === 'app-p1-1')!

    await h.consumer.handlers!.onPartitionsRevoked!()
    // the wait settles only once the thread's transaction with both tasks' offsets committed
    expect(h.cluster.committedOffset(IN, 0)).toBe(2)
    expect(h.cluster.committedOffset(IN, 1)).toBe(1)
    expect(producer.commits).toBe(1)

    // records the consumer fetched before it rejoined: not processed until the new assignment
    h.cluster.produce(IN, 0, 'a:3')
    h.cluster.produce(IN, 1, 'b:2')
    h.consumer.fetch(IN, 0)
    h.consumer.fetch(IN, 1)
    await tick(150)
    expect(h.thread.active.get('0_0')!.task.buffered()).toBe(1)
    expect(h.thread.active.get('0_1')!.task.buffered()).toBe(1)
    expect(producer.inTransaction()).toBe(false)

    // the group moves 0_0 away: it closes clean with nothing open, 0_1 keeps running unrestarted
    const kept = h.thread.active.get('0_1')
    h.consumer.assign([in1])
    await h.until(async () => typeof (await h!.checkpoint('0_0')) === 'object', '0_0 closed clean')
    await h.until(drained(h, '0_1'), '0_1 processed after the assignment')
    expect(h.thread.active.get('0_1')).toBe(kept)
    expect(producer.aborts).toBe(0)
    await h.consumer.handlers!.onPartitionsRevoked!()
    expect(h.cluster.committedOffset(IN, 1)).toBe(2)
    expect(h.outputs('b')).toEqual(['1', '2'])
    // 0_0's third record is its next owner's: never written here
    expect(h.outputs('a')).toEqual(['1', '2'])
    expect(h.cluster.visible(CHANGELOG, 0)).toHaveLength(2)
    expect(h.fatal).toEqual([])
  })

  it('at_least_once: the wait settles after the offsets are committed; processing resumes with the assignment', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')

    await h.consumer.handlers!.onPartitionsRevoked!()
    expect(h.cluster.committedOffset(IN, 0)).toBe(1)
    h.cluster.produce(IN, 0, 'a:2')
    h.consumer.fetch(IN, 0)
    await tick(150)
    expect(h.thread.active.get('0_0')!.task.buffered()).toBe(1)

    h.consumer.assign([in0])
    await h.until(drained(h, '0_0'), 'processed after the assignment')
    expect(h.outputs('a')).toEqual(['1', '2'])
  })

  it('a member the coordinator has not confirmed (probably expelled): the wait settles without a commit', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    h.consumer.unconfirmedMs = 60_000
    await h.consumer.handlers!.onPartitionsRevoked!()
    expect(h.consumer.commits).toBe(0)
  })

  it('the hint of a consumer that does not wait (onRebalanceStarted) commits and does not pause', async () => {
    h = await startThread()
    h.consumer.assign([in0])
    await h.until(started(h, '0_0'), '0_0 started')
    h.cluster.produce(IN, 0, 'a:1')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed')
    h.consumer.handlers!.onRebalanceStarted()
    await h.until(() => h!.cluster.committedOffset(IN, 0) === 1, 'committed')
    h.cluster.produce(IN, 0, 'a:2')
    h.consumer.fetch(IN, 0)
    await h.until(drained(h, '0_0'), 'processed without a new assignment')
  })
})
