// Classic consumer-group coordinator (JoinGroup / SyncGroup / Heartbeat / LeaveGroup), following
// Kafka's GroupCoordinator: a rebalance waits until every known member rejoins or the longest
// rebalance timeout passes; members that stop heartbeating past their session timeout are removed.
// Member metadata and assignments pass through as opaque bytes.

import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import { Group, Member, type JoinResponse, type Protocol, type SyncResponse } from './group.js'
import type { OffsetStore } from './offsets.js'

export interface GroupCoordinatorOptions {
  offsets: OffsetStore
  /** Kafka's group.min.session.timeout.ms (default 6000). */
  minSessionTimeoutMs?: number
  /** Kafka's group.max.session.timeout.ms (default 1800000). */
  maxSessionTimeoutMs?: number
  /** Kafka's group.initial.rebalance.delay.ms; 0 here by default so tests do not wait. */
  initialRebalanceDelayMs?: number
}

export interface JoinRequest {
  groupId: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs?: number
  memberId: string
  groupInstanceId?: string | null
  protocolType: string
  protocols: Protocol[]
}

const TICK_MS = 50

function joinError(errorCode: number, memberId = ''): JoinResponse {
  return { errorCode, generationId: -1, protocolType: null, protocolName: '', leader: '', skipAssignment: false, memberId, members: [] }
}

function syncError(errorCode: number): SyncResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

export class GroupCoordinator {
  readonly groups = new Map<string, Group>()
  private readonly minSession: number
  private readonly maxSession: number
  private readonly initialDelay: number
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly opts: GroupCoordinatorOptions) {
    this.minSession = opts.minSessionTimeoutMs ?? 6000
    this.maxSession = opts.maxSessionTimeoutMs ?? 1_800_000
    this.initialDelay = opts.initialRebalanceDelayMs ?? 0
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      try {
        this.tick(Date.now())
      } catch (err) {
        // A timer must never take the broker down; the next tick retries.
        process.emitWarning(`group coordinator tick failed: ${(err as Error).message}`)
      }
    }, TICK_MS)
    this.timer.unref()
  }

  /** Stops timers and answers every parked request so no caller waits forever. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        this.answerJoin(m, joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId))
        this.answerSync(m, syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
      }
    }
  }

  /** Forgets all membership (a broker restart); clients rejoin. Offsets stay. */
  reset(): void {
    this.stop()
    this.groups.clear()
  }

  joinGroup(req: JoinRequest, version: number, clientId: string, clientHost: string): JoinResponse | Promise<JoinResponse> {
    const now = Date.now()
    if (!req.groupId) return joinError(ErrorCode.INVALID_GROUP_ID, req.memberId)
    if (req.sessionTimeoutMs < this.minSession || req.sessionTimeoutMs > this.maxSession) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId)
    }
    let group = this.groups.get(req.groupId)
    if (!group) {
      if (req.memberId) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId)
      group = new Group(req.groupId)
      this.groups.set(req.groupId, group)
    }
    if (!group.supports(req.protocolType, req.protocols)) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId)
    }
    const rebalanceTimeoutMs = req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs

    if (!req.memberId) {
      const memberId = `${clientId}-${randomUUID()}`
      if (version >= 4) {
        // KIP-394: hand out the id first; the member joins with it in a second request.
        group.pending.set(memberId, now + req.sessionTimeoutMs)
        return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId)
      }
      return this.addMember(group, memberId, req, rebalanceTimeoutMs, clientId, clientHost, now)
    }
    if (group.pending.has(req.memberId)) {
      group.pending.delete(req.memberId)
      return this.addMember(group, req.memberId, req, rebalanceTimeoutMs, clientId, clientHost, now)
    }
    const member = group.members.get(req.memberId)
    if (!member) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId)
    member.lastSeen = now
    const unchanged = member.sameProtocols(req.protocols)
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.groupInstanceId = req.groupInstanceId ?? null
    switch (group.state) {
      case 'CompletingRebalance':
      case 'Stable':
        // A follower rejoining with the same metadata gets the current generation back.
        if (unchanged && (group.state === 'CompletingRebalance' || member.memberId !== group.leaderId)) {
          return group.joinResponseFor(member)
        }
        member.protocols = req.protocols
        return this.park(group, member, () => this.prepareRebalance(group!, now))
      default:
        member.protocols = req.protocols
        return this.park(group, member, () => this.maybeCompleteJoin(group!, now))
    }
  }

  private addMember(group: Group, memberId: string, req: JoinRequest, rebalanceTimeoutMs: number, clientId: string, clientHost: string, now: number): Promise<JoinResponse> {
    const member = new Member(memberId, req.groupInstanceId ?? null, clientId, clientHost, req.sessionTimeoutMs, rebalanceTimeoutMs, req.protocols, now)
    if (group.members.size === 0) group.protocolType = req.protocolType
    group.members.set(memberId, member)
    if (group.leaderId === null) group.leaderId = memberId
    return this.park(group, member, () => {
      if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group, now)
      else this.prepareRebalance(group, now)
    })
  }

  private park(group: Group, member: Member, then: () => void): Promise<JoinResponse> {
    return new Promise<JoinResponse>((resolve) => {
      // A member that re-sends JoinGroup while parked replaces its earlier request.
      this.answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId))
      member.joinWaiter = resolve
      then()
    })
  }

  private prepareRebalance(group: Group, now: number): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) this.answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    }
    const wasEmpty = group.state === 'Empty'
    if (group.state !== 'PreparingRebalance') {
      group.state = 'PreparingRebalance'
      group.rebalanceDeadline = now + group.maxRebalanceTimeout()
      group.earliestCompletion = wasEmpty ? now + Math.min(this.initialDelay, group.maxRebalanceTimeout()) : now
    }
    this.maybeCompleteJoin(group, now)
  }

  private maybeCompleteJoin(group: Group, now: number): void {
    if (group.state !== 'PreparingRebalance') return
    if (now < group.earliestCompletion && now < group.rebalanceDeadline) return
    if (group.allJoined() || now >= group.rebalanceDeadline) this.completeJoin(group, now)
  }

  private completeJoin(group: Group, now: number): void {
    for (const m of [...group.members.values()]) {
      if (!m.joinWaiter) this.removeMemberQuietly(group, m)
    }
    group.pending.clear()
    group.generationId++
    if (group.members.size === 0) {
      group.state = 'Empty'
      group.protocolName = null
      group.leaderId = null
      return
    }
    group.protocolName = group.selectProtocol()
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!
    group.state = 'CompletingRebalance'
    for (const m of group.members.values()) {
      m.lastSeen = now
      m.assignment = Buffer.alloc(0)
      this.answerJoin(m, group.joinResponseFor(m))
    }
  }

  syncGroup(req: {
    groupId: string; generationId: number; memberId: string
    protocolType?: string | null; protocolName?: string | null
    assignments: { memberId: string; assignment: Buffer }[]
  }): SyncResponse | Promise<SyncResponse> {
    const group = this.groups.get(req.groupId)
    const member = group?.members.get(req.memberId)
    if (!group || !member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION)
    if ((req.protocolType != null && req.protocolType !== group.protocolType) ||
        (req.protocolName != null && req.protocolName !== group.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    member.lastSeen = Date.now()
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS)
      case 'Stable':
        return this.syncResponse(group, member)
      case 'CompletingRebalance':
        return new Promise<SyncResponse>((resolve) => {
          this.answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS))
          member.syncWaiter = resolve
          if (member.memberId === group.leaderId) {
            const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
            for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0)
            group.state = 'Stable'
            for (const m of group.members.values()) this.answerSync(m, this.syncResponse(group, m))
          }
        })
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  private syncResponse(group: Group, member: Member): SyncResponse {
    return { errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment }
  }

  heartbeat(req: { groupId: string; generationId: number; memberId: string }): number {
    const group = this.groups.get(req.groupId)
    const member = group?.members.get(req.memberId)
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID
    member.lastSeen = Date.now()
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    return ErrorCode.NONE
  }

  /** Removes members (by member id, or by group instance id when the member id is empty). */
  leaveGroup(groupId: string, members: { memberId: string; groupInstanceId?: string | null }[]): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    const group = this.groups.get(groupId)
    if (!group) {
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }
    }
    const now = Date.now()
    const results = members.map((req) => {
      const member = req.memberId
        ? group.members.get(req.memberId)
        : [...group.members.values()].find((m) => m.groupInstanceId !== null && m.groupInstanceId === req.groupInstanceId)
      if (!member) return { memberId: req.memberId, groupInstanceId: req.groupInstanceId ?? null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      this.removeMember(group, member, now)
      return { memberId: member.memberId, groupInstanceId: member.groupInstanceId, errorCode: 0 }
    })
    const errorCode = results.length === 1 ? results[0]!.errorCode : 0
    return { errorCode, members: results }
  }

  private removeMemberQuietly(group: Group, member: Member): void {
    group.members.delete(member.memberId)
    this.answerJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId))
    this.answerSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null
  }

  private removeMember(group: Group, member: Member, now: number): void {
    this.removeMemberQuietly(group, member)
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group, now)
        break
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group, now)
        break
    }
  }

  /** Session and rebalance timeouts. */
  tick(now: number): void {
    for (const group of this.groups.values()) {
      for (const [id, expiry] of group.pending) {
        if (now >= expiry) { group.pending.delete(id); this.maybeCompleteJoin(group, now) }
      }
      for (const m of [...group.members.values()]) {
        // A member parked in JoinGroup or SyncGroup is alive by definition (as in Kafka);
        // everything else must heartbeat.
        if (m.joinWaiter === null && m.syncWaiter === null && now - m.lastSeen > m.sessionTimeoutMs) this.removeMember(group, m, now)
      }
      this.maybeCompleteJoin(group, now)
    }
  }

  private answerJoin(m: Member, r: JoinResponse): void {
    const w = m.joinWaiter
    if (w) { m.joinWaiter = null; w(r) }
  }

  private answerSync(m: Member, r: SyncResponse): void {
    const w = m.syncWaiter
    if (w) { m.syncWaiter = null; m.lastSeen = Date.now(); w(r) }
  }

  describe(groupId: string): {
    errorCode: number; groupId: string; groupState: string; protocolType: string; protocolData: string
    members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }[]
  } {
    const group = this.groups.get(groupId)
    if (!group) {
      const state = this.opts.offsets.hasGroup(groupId) ? 'Empty' : 'Dead'
      return { errorCode: 0, groupId, groupState: state, protocolType: '', protocolData: '', members: [] }
    }
    const stable = group.state === 'Stable'
    return {
      errorCode: 0,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? group.protocolName ?? '' : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(group.protocolName ?? '') : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    }
  }

  list(): { groupId: string; protocolType: string; groupState: string }[] {
    const out = new Map<string, { groupId: string; protocolType: string; groupState: string }>()
    for (const id of this.opts.offsets.groupIds()) out.set(id, { groupId: id, protocolType: '', groupState: 'Empty' })
    for (const g of this.groups.values()) out.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state })
    return [...out.values()]
  }

  deleteGroup(groupId: string): number {
    const group = this.groups.get(groupId)
    if (!group && !this.opts.offsets.hasGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND
    if (group && (group.members.size > 0 || group.state !== 'Empty')) return ErrorCode.NON_EMPTY_GROUP
    this.groups.delete(groupId)
    this.opts.offsets.deleteGroup(groupId)
    return ErrorCode.NONE
  }

  /**
   * Whether an OffsetCommit (or, with `transactional`, a TxnOffsetCommit v3+, KIP-447) from this
   * member and generation may commit, with Kafka's checks in Kafka's order: a commit without member
   * or generation is a simple-group commit, accepted while the group is empty (and always for
   * transactional commits, whose old versions carry no member); otherwise the member must exist (a
   * group instance id must map to it), the generation must be the current one, and a
   * non-transactional commit waits for the rebalance to complete.
   */
  commitCheck(groupId: string, generationId: number, memberId: string, opts: { groupInstanceId?: string | null; transactional?: boolean } = {}): number {
    const instanceId = opts.groupInstanceId ?? null
    const transactional = opts.transactional ?? false
    const group = this.groups.get(groupId)
    if (!group) return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE
    if (generationId >= 0 || memberId !== '' || instanceId !== null) {
      if (instanceId !== null) {
        const current = this.staticMemberId(group, instanceId)
        if (current === null) return ErrorCode.UNKNOWN_MEMBER_ID
        if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID
      }
      if (!group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (!transactional) {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    if (!transactional && group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    return ErrorCode.NONE
  }

  /** The member that most recently joined with this group instance id (members are otherwise dynamic here). */
  private staticMemberId(group: Group, groupInstanceId: string): string | null {
    let found: string | null = null
    for (const m of group.members.values()) if (m.groupInstanceId === groupInstanceId) found = m.memberId
    return found
  }
}
