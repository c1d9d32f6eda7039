import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupCoordinator, type JoinRequest } from '../../../broker/group/coordinator.js'
import { OffsetStore } from '../../../broker/group/offsets.js'
import { ErrorCode } from '../../../protocol/errors.js'

const coordinators: GroupCoordinator[] = []
afterEach(() => { for (const c of coordinators.splice(0)) c.stop() })

function coordinator(opts: { minSessionTimeoutMs?: number } = {}): GroupCoordinator {
  const c = new GroupCoordinator({ offsets: new OffsetStore(), minSessionTimeoutMs: opts.minSessionTimeoutMs ?? 100 })
  c.start()
  coordinators.push(c)
  return c
}

const join_ = (memberId: string, metadata: string, extra: Partial<JoinRequest> = {}): JoinRequest => ({
  groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 2000, memberId, protocolType: 'consumer',
  protocols: [{ name: 'custom', metadata: Buffer.from(metadata) }], ...extra,
})

/** Full two-step join (MEMBER_ID_REQUIRED, then the join proper) at v5. */
async function joinNew(c: GroupCoordinator, metadata: string, extra: Partial<JoinRequest> = {}) {
  const first = await c.joinGroup(join_('', metadata, extra), 5, 'client', '/127.0.0.1')
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
  expect(first.memberId).toMatch(/^client-/)
  return { memberId: first.memberId, joined: c.joinGroup(join_(first.memberId, metadata, extra), 5, 'client', '/127.0.0.1') }
}

describe('GroupCoordinator', () => {
  it('elects a leader, passes member metadata and assignments through verbatim', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'meta-a')
    const ja = await a.joined
    expect(ja).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'custom', leader: a.memberId, memberId: a.memberId })
    expect(ja.members.map((m) => m.metadata.toString())).toEqual(['meta-a'])

    const sa = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [{ memberId: a.memberId, assignment: Buffer.from('user-data-a') }] })
    expect(sa.assignment.toString()).toBe('user-data-a')
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })).toBe(0)

    // A second member: the first learns of the rebalance through its heartbeat and rejoins.
    const b = await joinNew(c, 'meta-b')
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [ja2, jb] = await Promise.all([c.joinGroup(join_(a.memberId, 'meta-a2'), 5, 'client', '/h'), b.joined])
    expect(ja2.generationId).toBe(2)
    expect(jb.generationId).toBe(2)
    expect(ja2.leader).toBe(a.memberId)
    expect(ja2.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([[a.memberId, 'meta-a2'], [b.memberId, 'meta-b']])
    expect(jb.members).toEqual([]) // followers get no member list

    // The follower's sync waits for the leader's assignments.
    const followerSync = c.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, assignments: [] })
    const leaderSync = c.syncGroup({
      groupId: 'g', generationId: 2, memberId: a.memberId,
      assignments: [{ memberId: a.memberId, assignment: Buffer.from([1, 2]) }, { memberId: b.memberId, assignment: Buffer.from([3, 4, 5]) }],
    })
    expect((await followerSync).assignment).toEqual(Buffer.from([3, 4, 5]))
    expect((await leaderSync).assignment).toEqual(Buffer.from([1, 2]))
    expect(c.describe('g')).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'custom' })
  })

  it('rebalances when a member leaves, and empties when the last one does', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'a')
    await a.joined
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] })
    const b = await joinNew(c, 'b')
    await Promise.all([c.joinGroup(join_(a.memberId, 'a'), 5, 'client', '/h'), b.joined])
    expect(c.leaveGroup('g', [{ memberId: b.memberId }]).members[0]!.errorCode).toBe(0)
    expect(c.describe('g').groupState).toBe('PreparingRebalance')
    const again = await c.joinGroup(join_(a.memberId, 'a'), 5, 'client', '/h')
    expect(again).toMatchObject({ generationId: 3, leader: a.memberId })
    expect(c.leaveGroup('g', [{ memberId: a.memberId }]).errorCode).toBe(0)
    expect(c.describe('g').groupState).toBe('Empty')
    expect(c.leaveGroup('g', [{ memberId: 'ghost' }]).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('removes a member whose session expires and rebalances the rest', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'a', { sessionTimeoutMs: 3000 })
    await a.joined
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] })
    const b = await joinNew(c, 'b', { sessionTimeoutMs: 300 })
    await Promise.all([c.joinGroup(join_(a.memberId, 'a', { sessionTimeoutMs: 3000 }), 5, 'client', '/h'), b.joined])
    await c.syncGroup({ groupId: 'g', generationId: 2, memberId: a.memberId, assignments: [] })
    // b never heartbeats again; a keeps heartbeating until told to rejoin.
    const deadline = Date.now() + 3000
    let code = 0
    while (Date.now() < deadline && code === 0) {
      await new Promise((r) => setTimeout(r, 50))
      code = c.heartbeat({ groupId: 'g', generationId: 2, memberId: a.memberId })
    }
    expect(code).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const j = await c.joinGroup(join_(a.memberId, 'a', { sessionTimeoutMs: 3000 }), 5, 'client', '/h')
    expect(j.generationId).toBe(3)
    expect(j.members.map((m) => m.memberId)).toEqual([a.memberId])
  })

  it('completes a rebalance at the rebalance timeout without members that never rejoin', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'a', { rebalanceTimeoutMs: 300 })
    await a.joined
    const b = await joinNew(c, 'b', { rebalanceTimeoutMs: 300 })
    const t = Date.now()
    const jb = await b.joined // a never rejoins
    expect(Date.now() - t).toBeGreaterThanOrEqual(250)
    expect(jb).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId })
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('rejects inconsistent protocols, bad session timeouts, unknown members and stale generations', async () => {
    const c = coordinator({ minSessionTimeoutMs: 6000 })
    expect((await c.joinGroup(join_('', 'x', { sessionTimeoutMs: 1000 }), 5, 'c', '/h')).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    expect((await c.joinGroup(join_('', 'x', { groupId: '' }), 5, 'c', '/h')).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
    const a = await joinNew(c, 'a')
    await a.joined
    expect((await c.joinGroup(join_('', 'x', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }), 5, 'c', '/h')).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.joinGroup(join_('nobody', 'x'), 5, 'c', '/h')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await c.syncGroup({ groupId: 'g', generationId: 7, memberId: a.memberId, assignments: [] })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(c.commitCheck('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS) // still awaiting the leader's sync
    expect(c.commitCheck('g', 7, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION) // member and generation are checked first, as Kafka
    expect(c.commitCheck('g', 1, a.memberId, { transactional: true })).toBe(0) // transactional commits ignore the group state
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] })
    expect(c.commitCheck('g', 7, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(c.commitCheck('g', 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(c.commitCheck('g', 1, a.memberId)).toBe(0)
    expect(c.commitCheck('standalone', -1, '')).toBe(0)
    expect(c.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP)
    expect(c.deleteGroup('missing')).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('commit checks follow Kafka: simple groups, group instance ids, and transactional commits without a member (KIP-447)', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'a', { groupInstanceId: 'instance-1' })
    const ja = await a.joined
    await c.syncGroup({ groupId: 'g', generationId: ja.generationId, memberId: a.memberId, assignments: [] })
    const gen = ja.generationId
    const txn = (generationId: number, memberId: string, groupInstanceId: string | null = null) =>
      c.commitCheck('g', generationId, memberId, { groupInstanceId, transactional: true })
    expect(txn(gen, a.memberId, 'instance-1')).toBe(0)
    expect(txn(gen, 'zombie', 'instance-1')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(txn(gen, a.memberId, 'instance-2')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(txn(gen - 1, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(txn(gen, 'zombie')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    // no member, no generation: old TxnOffsetCommit versions commit into any group; plain commits only into an empty one
    expect(txn(-1, '')).toBe(0)
    expect(c.commitCheck('g', -1, '')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    // an unknown group accepts only generation -1
    expect(c.commitCheck('nobody-home', -1, '', { transactional: true })).toBe(0)
    expect(c.commitCheck('nobody-home', 3, 'm', { transactional: true })).toBe(ErrorCode.ILLEGAL_GENERATION)
  })

  it('joins in one step at versions before MEMBER_ID_REQUIRED (v3)', async () => {
    const c = coordinator()
    const r = await c.joinGroup(join_('', 'old'), 3, 'legacy', '/h')
    expect(r).toMatchObject({ errorCode: 0, generationId: 1 })
    expect(r.memberId).toMatch(/^legacy-/)
  })
})

describe('OffsetStore', () => {
  it('persists committed offsets to its file and loads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstreams-offsets-'))
    try {
      const file = join(dir, 'offsets.json')
      const s = new OffsetStore(file)
      s.commit('g', [{ topic: 't', partition: 2, offset: 42, metadata: 'm' }, { topic: 'u', partition: 0, offset: 5, metadata: null }])
      s.deleteTopic('u')
      await s.close()
      const back = new OffsetStore(file)
      await back.load()
      expect(back.get('g', 't', 2)).toMatchObject({ offset: 42, metadata: 'm' })
      expect(back.get('g', 'u', 0)).toBeUndefined()
      expect(back.groupIds()).toEqual(['g'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('GroupCoordinator liveness while waiting', () => {
  it('keeps a follower parked in SyncGroup alive, and answers it when the silent leader expires', async () => {
    const c = coordinator()
    const a = await joinNew(c, 'a', { sessionTimeoutMs: 400 })
    await a.joined
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] })
    const b = await joinNew(c, 'b', { sessionTimeoutMs: 200 })
    await Promise.all([c.joinGroup(join_(a.memberId, 'a', { sessionTimeoutMs: 400 }), 5, 'client', '/h'), b.joined])
    // b waits in SyncGroup far longer than its own session timeout; the leader a never syncs.
    const t = Date.now()
    const sync = await c.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, assignments: [] })
    expect(sync.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(Date.now() - t).toBeGreaterThanOrEqual(350)
    // a was removed for silence; b is still a member and becomes the leader of the next generation.
    const j = await c.joinGroup(join_(b.memberId, 'b', { sessionTimeoutMs: 200 }), 5, 'client', '/h')
    expect(j).toMatchObject({ errorCode: 0, generationId: 3, leader: b.memberId })
  })
})
