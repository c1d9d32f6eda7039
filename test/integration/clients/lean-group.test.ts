import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { LeanClients } from '../../../lib/clients/lean/index.js'
import type { LeanGroupConsumer } from '../../../lib/clients/lean/index.js'
import { classifyClientError } from '../../../lib/clients/errors.js'
import type { FetchedRecord, GroupAssignor, GroupConsumerHandlers, GroupMemberSubscription, TopicPartition } from '../../../lib/clients/types.js'

/** Round robin of every partition over the members sorted by id; user data names the member. */
class TestAssignor implements GroupAssignor {
  readonly name = 'test-rr'
  readonly version = 0
  seen: GroupMemberSubscription[] = []
  constructor(private readonly tag: string) {}
  subscriptionUserData(): Buffer {
    return Buffer.from(`sub-${this.tag}`)
  }
  assign(members: readonly GroupMemberSubscription[], counts: ReadonlyMap<string, number>) {
    this.seen = [...members]
    const ids = members.map(m => m.memberId).sort()
    const out = new Map(ids.map(id => [id, new Map<string, number[]>()]))
    let i = 0
    for (const topic of [...new Set(members.flatMap(m => m.topics))].sort()) {
      for (let p = 0; p < (counts.get(topic) ?? 0); p++) {
        const m = out.get(ids[i++ % ids.length]!)!
        if (!m.has(topic)) m.set(topic, [])
        m.get(topic)!.push(p)
      }
    }
    return ids.map(id => ({ memberId: id, partitions: [...out.get(id)!].map(([topic, partitions]) => ({ topic, partitions })), userData: Buffer.from(`asg-${id}`) }))
  }
}

class Recorder implements GroupConsumerHandlers {
  assigned: { partitions: TopicPartition[]; lost: boolean }[] = []
  records = new Map<string, FetchedRecord[]>()
  fetchedTo = new Map<string, number>()
  rebalances = 0
  crashed: Error | null = null
  onAssigned(partitions: TopicPartition[], membershipLost: boolean) {
    this.assigned.push({ partitions, lost: membershipLost })
    this.beforeFetch?.(partitions)
  }
  beforeFetch: ((partitions: TopicPartition[]) => void) | null = null
  onRecords(topic: string, partition: number, records: FetchedRecord[]) {
    const k = `${topic}-${partition}`
    this.records.set(k, [...(this.records.get(k) ?? []), ...records])
  }
  onFetched(topic: string, partition: number, next: number) {
    this.fetchedTo.set(`${topic}-${partition}`, next)
  }
  onRebalanceStarted() {
    this.rebalances++
  }
  onCrash(err: Error) {
    this.crashed = err
  }
  get current(): string[] {
    return (this.assigned.at(-1)?.partitions ?? []).map(p => `${p.topic}-${p.partition}`).sort()
  }
  values(key: string): string[] {
    return (this.records.get(key) ?? []).map(r => r.value!.toString())
  }
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

describe('lean client: group consumer', () => {
  let kafka: EmbeddedKafka
  let clients: LeanClients
  let kjs: Kafka
  const consumers: LeanGroupConsumer[] = []

  const member = async (groupId: string, tag: string, topics: string[], handlers: Recorder, assignor = new TestAssignor(tag)) => {
    const c = clients.groupConsumer({ groupId, assigner: assignor, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 5000, heartbeatIntervalMs: 100, maxWaitTimeMs: 50 })
    consumers.push(c)
    await c.connect()
    await c.subscribe(topics, true)
    await c.run(handlers)
    return { c, assignor }
  }

  const produce = async (topic: string, values: string[], partition: number) => {
    const p = clients.producer()
    await p.connect()
    await p.send(topic, values.map(v => ({ key: null, value: Buffer.from(v), timestamp: Date.now(), partition })))
    await p.disconnect()
  }

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
    clients = new LeanClients({ brokers: kafka.brokers, clientId: 'lean-group-test' })
    kjs = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING })
  })
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => {})
    await kafka.stop()
  })

  it('shares partitions between two members through the assignor, with user data both ways, and hands over on leave', async () => {
    kafka.createTopic('g-two', 4)
    for (let p = 0; p < 4; p++) await produce('g-two', [`p${p}-a`, `p${p}-b`], p)
    const a = new Recorder()
    const { c: ca, assignor: asgA } = await member('g-two-group', 'a', ['g-two'], a)
    await waitFor('a to own all four', () => a.current.length === 4)
    expect(a.assigned[0]!.lost).toBe(false)
    await waitFor('a to read all', () => [0, 1, 2, 3].every(p => a.values(`g-two-${p}`).length === 2))
    expect(a.values('g-two-2')).toEqual(['p2-a', 'p2-b'])
    expect(a.fetchedTo.get('g-two-2')).toBe(2)
    expect(await ca.assignmentUserData()).toEqual(Buffer.from(`asg-${ca.memberId()}`))
    expect(asgA.seen.map(m => m.userData!.toString())).toEqual(['sub-a'])

    const b = new Recorder()
    const { c: cb } = await member('g-two-group', 'b', ['g-two'], b)
    await waitFor('the rebalance', () => a.current.length === 2 && b.current.length === 2)
    expect(a.rebalances).toBeGreaterThanOrEqual(1)
    expect([...a.current, ...b.current].sort()).toEqual(['g-two-0', 'g-two-1', 'g-two-2', 'g-two-3'])
    expect(await cb.assignmentUserData()).toEqual(Buffer.from(`asg-${cb.memberId()}`))
    expect(a.assigned.at(-1)!.lost).toBe(false)

    await ca.disconnect()
    await waitFor('b to own all four after a leaves', () => b.current.length === 4, 4000)
  })

  it('commits offsets with its generation, and the next member starts there', async () => {
    kafka.createTopic('g-commit', 1)
    await produce('g-commit', ['0', '1', '2', '3'], 0)
    const a = new Recorder()
    const { c } = await member('g-commit-group', 'a', ['g-commit'], a)
    await waitFor('records', () => a.values('g-commit-0').length === 4)
    await c.commitOffsets([{ topic: 'g-commit', partition: 0, offset: 3, metadata: 'm' }])
    const admin = kjs.admin()
    await admin.connect()
    const [t] = await admin.fetchOffsets({ groupId: 'g-commit-group', topics: ['g-commit'] })
    await admin.disconnect()
    expect(t!.partitions).toEqual([{ partition: 0, offset: '3', metadata: 'm' }])
    await c.disconnect()
    const b = new Recorder()
    await member('g-commit-group', 'b', ['g-commit'], b)
    await waitFor('records from the commit', () => b.values('g-commit-0').length === 1)
    expect(b.values('g-commit-0')).toEqual(['3'])
  })

  it('honours pause and seek before the next fetch, also from inside onAssigned', async () => {
    kafka.createTopic('g-seek', 2)
    await produce('g-seek', ['a0', 'a1', 'a2'], 0)
    await produce('g-seek', ['b0', 'b1'], 1)
    const h = new Recorder()
    let consumer: LeanGroupConsumer | null = null
    h.beforeFetch = () => {
      consumer!.seek('g-seek', 0, 2)
      consumer!.pause([{ topic: 'g-seek', partition: 1 }])
    }
    const created = clients.groupConsumer({ groupId: 'g-seek-group', assigner: new TestAssignor('s'), sessionTimeoutMs: 6000, rebalanceTimeoutMs: 5000, heartbeatIntervalMs: 100, maxWaitTimeMs: 50 })
    consumer = created
    consumers.push(created)
    await created.connect()
    await created.subscribe(['g-seek'], true)
    await created.run(h)
    await waitFor('partition 0 from offset 2', () => h.values('g-seek-0').length === 1)
    expect(h.values('g-seek-0')).toEqual(['a2'])
    expect(h.values('g-seek-1')).toEqual([])
    created.resume([{ topic: 'g-seek', partition: 1 }])
    await waitFor('partition 1 after resume', () => h.values('g-seek-1').length === 2)
    created.seek('g-seek', 0, 0)
    await waitFor('partition 0 again from 0', () => h.values('g-seek-0').length === 4)
    expect(h.values('g-seek-0')).toEqual(['a2', 'a0', 'a1', 'a2'])
  })

  it('keeps consuming after its connections drop, from where it was', async () => {
    kafka.createTopic('g-drop', 1)
    await produce('g-drop', ['a', 'b'], 0)
    const h = new Recorder()
    const { c } = await member('g-drop-group', 'a', ['g-drop'], h)
    await waitFor('the first records', () => h.values('g-drop-0').length === 2)
    const memberId = c.memberId()
    kafka.faults.dropConnections()
    await produce('g-drop', ['c', 'd'], 0)
    await waitFor('the records after the drop', () => h.values('g-drop-0').length === 4)
    expect(h.values('g-drop-0')).toEqual(['a', 'b', 'c', 'd'])
    expect(c.memberId()).toBe(memberId)
    expect(h.crashed).toBeNull()
  })

  it('crashes with a clear error when a fetch answers an error code it does not know', async () => {
    kafka.createTopic('g-unknown', 1)
    for (const other of consumers.splice(0)) await other.disconnect()
    const h = new Recorder()
    await member('g-unknown-group', 'a', ['g-unknown'], h)
    await waitFor('assignment', () => h.assigned.length === 1)
    kafka.faults.failNext('Fetch', 1, 999)
    await waitFor('the crash', () => h.crashed !== null)
    expect(h.crashed!.message).toMatch(new RegExp(`^Fetch v\\d+ to broker 127\\.0\\.0\\.1:${kafka.port} for g-unknown-0 at offset 0 failed: UNKNOWN_ERROR_CODE_999`))
    expect(classifyClientError(h.crashed)).toBe('fatal')
  })

  it('rejoins under a new member id after the coordinator forgets it, reporting the membership lost', async () => {
    kafka.createTopic('g-lost', 1)
    // The injected failure goes to whichever member heartbeats next: leave only this one.
    for (const other of consumers.splice(0)) await other.disconnect()
    const h = new Recorder()
    const { c } = await member('g-lost-group', 'a', ['g-lost'], h)
    await waitFor('assignment', () => h.assigned.length === 1)
    const first = c.memberId()
    kafka.faults.failNext('Heartbeat', 1, 25) // UNKNOWN_MEMBER_ID
    await waitFor('the rejoin to start', () => h.rebalances === 1)
    // Until the coordinator takes it back, the member counts as unconfirmed (the runtime's gate).
    expect(c.unconfirmedForMs(Date.now() + 60_000)).not.toBeNull()
    await waitFor('a new assignment', () => h.assigned.length === 2)
    expect(h.assigned[1]!.lost).toBe(true)
    expect(c.memberId()).not.toBe(first)
    expect(h.rebalances).toBe(1)
  })

  it('an answer confirms the member as of when its request was sent: one that arrives after the session timeout confirms nothing', async () => {
    kafka.createTopic('g-late', 1)
    for (const other of consumers.splice(0)) await other.disconnect()
    const h = new Recorder()
    const { c } = await member('g-late-group', 'a', ['g-late'], h)
    await waitFor('assignment', () => h.assigned.length === 1)
    // The coordinator takes the next heartbeat at once but answers it after the 6 s session timeout,
    // as a process paused with the answer in its socket reads it late; meanwhile it expels the member.
    kafka.faults.delay('Heartbeat', 6500)
    await waitFor('the member to count as unconfirmed', () => c.unconfirmedForMs() !== null, 15_000)
    kafka.faults.delay('Heartbeat', 0)
    // Until it is taken back under a new generation it stays unconfirmed: the late answer must not
    // open the runtime's gate for records fetched under the old one.
    const seen: (number | null)[] = []
    while (h.assigned.length === 1) {
      seen.push(c.unconfirmedForMs())
      await new Promise(r => setTimeout(r, 20))
    }
    expect(seen.length).toBeGreaterThan(10)
    expect(seen.filter(s => s === null)).toEqual([])
    expect(h.assigned[1]!.lost).toBe(true)
  })

  it('commits offsets in a transaction with its group metadata; a zombie of an older generation is refused', async () => {
    kafka.createTopic('g-eos', 2)
    const a = new Recorder()
    const { c: ca } = await member('g-eos-group', 'a', ['g-eos'], a)
    await waitFor('assignment', () => a.current.length === 2)
    const staleGeneration = ca.groupMetadata()!
    const producer = clients.producer({ transactionalId: 'g-eos-txn' })
    await producer.connect()
    await producer.beginTransaction()
    await producer.sendOffsetsInTransaction('g-eos-group', [{ topic: 'g-eos', partition: 0, offset: 1 }], ca.groupMetadata()!)
    await producer.commitTransaction()

    const b = new Recorder()
    await member('g-eos-group', 'b', ['g-eos'], b)
    await waitFor('the rebalance', () => a.current.length === 1 && b.current.length === 1)
    expect(ca.groupMetadata()!.generationId).toBeGreaterThan(staleGeneration.generationId)
    await producer.beginTransaction()
    const err = await producer.sendOffsetsInTransaction('g-eos-group', [{ topic: 'g-eos', partition: 0, offset: 2 }], staleGeneration).catch(e => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe(22) // ILLEGAL_GENERATION
    expect(classifyClientError(err)).toBe('rebalance')
    expect(err.message).toContain('TxnOffsetCommit')
    expect(err.message).toContain('g-eos-group')
    await producer.abortTransaction()
    await producer.disconnect()
  })
})
