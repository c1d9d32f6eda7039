// The lean group consumer's revocation: when a rebalance begins it calls onPartitionsRevoked and
// sends JoinGroup only once the returned promise settles (bounded by the rebalance timeout),
// heartbeating meanwhile, so a commit made in that window belongs to the current generation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { LeanClients } from '../../../lib/clients/lean/index.js'
import type { LeanGroupConsumer } from '../../../lib/clients/lean/index.js'
import type { GroupAssignor, GroupConsumerHandlers, GroupMemberSubscription, TopicPartition } from '../../../lib/clients/types.js'

class RoundRobin implements GroupAssignor {
  readonly name = 'test-rr'
  readonly version = 0
  subscriptionUserData(): Buffer {
    return Buffer.alloc(0)
  }
  assign(members: readonly GroupMemberSubscription[], counts: ReadonlyMap<string, number>) {
    const ids = members.map(m => m.memberId).sort()
    const out = new Map(ids.map(id => [id, [] as number[]]))
    const topic = members[0]!.topics[0]!
    for (let p = 0; p < (counts.get(topic) ?? 0); p++) out.get(ids[p % ids.length]!)!.push(p)
    return ids.map(id => ({ memberId: id, partitions: [{ topic, partitions: out.get(id)! }], userData: null }))
  }
}

class Member implements GroupConsumerHandlers {
  assigned: { partitions: TopicPartition[]; lost: boolean }[] = []
  revocations = 0
  /** What onPartitionsRevoked returns; null: settle at once. */
  hold: Promise<void> | null = null
  onAssigned(partitions: TopicPartition[], lost: boolean) {
    this.assigned.push({ partitions, lost })
  }
  onRecords() {}
  onRebalanceStarted() {}
  onPartitionsRevoked(): Promise<void> {
    this.revocations++
    return this.hold ?? Promise.resolve()
  }
  onCrash() {}
}

async function waitFor(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('lean client: revocation before the rejoin', () => {
  let kafka: EmbeddedKafka
  let clients: LeanClients
  const consumers: LeanGroupConsumer[] = []
  const warnings: string[] = []
  const join = async (groupId: string, topic: string, handlers: Member, rebalanceTimeoutMs: number) => {
    const c = clients.groupConsumer({ groupId, assigner: new RoundRobin(), sessionTimeoutMs: 6000, rebalanceTimeoutMs, heartbeatIntervalMs: 200, maxWaitTimeMs: 50 })
    consumers.push(c)
    await c.connect()
    await c.subscribe([topic], true)
    await c.run(handlers)
    return c
  }

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
    const logger = { debug() {}, info() {}, error() {}, warn: (a: unknown, b?: unknown) => void warnings.push(String(typeof a === 'string' ? a : b)) }
    clients = new LeanClients({ brokers: kafka.brokers, clientId: 'lean-revocation-test', logger })
  })
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => {})
    await kafka.stop()
  })

  it('the next generation forms only after the revocation settles; a commit meanwhile is taken; heartbeats keep the member past its session timeout', async () => {
    kafka.createTopic('rv-one', 4)
    const a = new Member()
    const ca = await join('rv-one-group', 'rv-one', a, 30_000)
    await waitFor('a to own all four', () => a.assigned.length === 1)
    const before = ca.groupMetadata()!
    let release!: () => void
    a.hold = new Promise(r => (release = r))

    const b = new Member()
    await join('rv-one-group', 'rv-one', b, 30_000)
    await waitFor('a to be told of the revocation', () => a.revocations === 1)
    // longer than the session timeout: only the heartbeats sent while waiting keep a in the group
    await sleep(7000)
    expect(b.assigned).toHaveLength(0)
    expect(a.assigned).toHaveLength(1)
    expect(ca.groupMetadata()).toEqual(before)
    await ca.commitOffsets([{ topic: 'rv-one', partition: 0, offset: 0 }])

    release()
    await waitFor('the new generation', () => a.assigned.length === 2 && b.assigned.length === 1)
    expect(a.assigned[1]!.lost).toBe(false)
    expect(a.assigned[1]!.partitions).toHaveLength(2)
    expect(b.assigned[0]!.partitions).toHaveLength(2)
    expect(ca.groupMetadata()!.generationId).toBeGreaterThan(before.generationId)
  }, 60_000)

  it('a revocation that never settles: the member rejoins after its rebalance timeout, with a warning', async () => {
    kafka.createTopic('rv-two', 2)
    const a = new Member()
    await join('rv-two-group', 'rv-two', a, 2000)
    await waitFor('a to own both', () => a.assigned.length === 1)
    a.hold = new Promise(() => {})
    const b = new Member()
    await join('rv-two-group', 'rv-two', b, 30_000)
    await waitFor('the new generation', () => a.assigned.length === 2 && b.assigned.length === 1)
    expect(a.assigned[1]!.lost).toBe(false)
    expect(warnings.some(w => w.includes('rebalance timeout'))).toBe(true)
  }, 60_000)
})
