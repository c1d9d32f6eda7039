import type { Logger } from '../../../config/types.js'
import { ClientError } from '../../errors.js'
import type {
  GroupConsumer, GroupConsumerHandlers, GroupConsumerOptions, TopicPartition, TopicPartitionOffset,
} from '../../types.js'
import { tpKey } from '../../types.js'
import type { Cluster } from '../cluster/cluster.js'
import { EARLIEST, LATEST, listOffsets } from '../cluster/list-offsets.js'
import { isRetriableError, sleep } from '../cluster/retry.js'
import { Fetcher } from '../consumer/fetcher.js'
import { KafkaResponseError } from '../errors.js'
import { Membership, type Generation } from './membership.js'
import { commitGroupOffsets, fetchGroupOffsets } from './offsets.js'

const REBALANCE_CODES = new Set([22, 25, 27, 82]) // ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID
const MAX_BACKOFF_MS = 5000

/**
 * A member of the application's consumer group (classic protocol): joins with the runtime's
 * GroupAssignor, heartbeats on its own timer, and fetches in a background loop, handing records
 * to the runtime's handlers synchronously. Nothing is committed automatically.
 */
export class LeanGroupConsumer implements GroupConsumer {
  private readonly membership: Membership
  private readonly fetcher: Fetcher
  private topics: readonly string[] = []
  private fromBeginning = false
  private handlers: GroupConsumerHandlers | null = null
  private running = false
  private loopDone: Promise<void> | null = null
  /**
   * The last generation synced. It stays while the member rejoins: the coordinator still takes
   * commits of the old generation until the new one forms, which is when the runtime commits.
   */
  private generation: Generation | null = null
  /** A generation is current and its partitions are fetched. */
  private active = false
  private lastUserData: Buffer | null = null
  /** The member id under which partitions were last assigned (to tell a lost membership). */
  private assignedAs: string | null = null
  private rejoinNeeded = true
  private confirmedAt = 0
  private heartbeatTimer: NodeJS.Timeout | null = null
  /** The runtime's revocation commit the next JoinGroup waits for (onPartitionsRevoked). */
  private revoking: Promise<void> | null = null
  /** Ends a wait for the revocation commit at once (disconnect). */
  private stopWaiting: (() => void) | null = null
  /** Seeks asked for while no generation is current, applied when one is. */
  private readonly pendingSeeks = new Map<string, TopicPartitionOffset>()

  constructor(
    private readonly cluster: Cluster,
    private readonly opts: GroupConsumerOptions,
    private readonly logger?: Logger,
  ) {
    this.membership = new Membership(cluster, {
      groupId: opts.groupId,
      assignor: opts.assigner,
      sessionTimeoutMs: opts.sessionTimeoutMs,
      rebalanceTimeoutMs: opts.rebalanceTimeoutMs,
    })
    this.fetcher = new Fetcher(cluster, opts.maxWaitTimeMs ?? 100)
  }

  connect(): Promise<void> {
    return this.cluster.connect()
  }

  async subscribe(topics: readonly string[], fromBeginning: boolean): Promise<void> {
    this.topics = [...topics]
    this.fromBeginning = fromBeginning
  }

  async run(handlers: GroupConsumerHandlers): Promise<void> {
    if (this.running) throw new Error(`The consumer of group ${this.opts.groupId} already runs`)
    this.handlers = handlers
    this.running = true
    this.loopDone = this.loop()
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.paused.set(tpKey(tp.topic, tp.partition), tp)
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.paused.delete(tpKey(tp.topic, tp.partition))
  }

  seek(topic: string, partition: number, offset: number): void {
    if (!this.active || !this.fetcher.seek(topic, partition, offset)) this.pendingSeeks.set(tpKey(topic, partition), { topic, partition, offset })
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return
    const g = this.generation
    if (g === null) {
      throw new ClientError('retriable', `Cannot commit offsets of group ${this.opts.groupId} now: this consumer has not joined the group yet`)
    }
    try {
      const sentAt = Date.now()
      await commitGroupOffsets(this.cluster, this.opts.groupId, { generationId: g.generationId, memberId: g.memberId, groupInstanceId: null }, offsets)
      this.confirm(sentAt)
    } catch (err) {
      // The group moved on: rejoin now rather than at the next heartbeat.
      if (err instanceof KafkaResponseError && REBALANCE_CODES.has(err.code)) this.requestRejoin()
      throw err
    }
  }

  /**
   * How long the coordinator has not confirmed this member (a heartbeat, a commit or a join
   * answered), when longer than the session timeout. Also while rejoining: a member woken after
   * its session expired must not process or flush until the coordinator has taken it back.
   */
  /**
   * An answer confirms the member as of when its request was sent, not when it is read: an answer
   * that waited in the socket while the process was paused (SIGSTOP, a long GC, a starved VM)
   * says nothing of the time since, when the coordinator may have expelled the member.
   */
  private confirm(sentAt: number): void {
    if (sentAt > this.confirmedAt) this.confirmedAt = sentAt
  }

  unconfirmedForMs(now = Date.now()): number | null {
    if (this.confirmedAt === 0) return null
    const silent = now - this.confirmedAt
    return silent > this.opts.sessionTimeoutMs ? silent : null
  }

  /** The user data of the last assignment handed to onAssigned (kept while the next one forms). */
  async assignmentUserData(): Promise<Buffer | null> {
    return this.lastUserData
  }

  memberId(): string | null {
    return this.generation?.memberId ?? null
  }

  /** The generation and member id a transactional offset commit carries (KIP-447); null while joining. */
  groupMetadata(): { generationId: number; memberId: string } | null {
    const g = this.generation
    return g ? { generationId: g.generationId, memberId: g.memberId } : null
  }

  async disconnect(): Promise<void> {
    this.running = false
    this.stopHeartbeats()
    this.stopWaiting?.()
    // Fails a fetch or a JoinGroup in flight at once (the loop then ends) instead of waiting for it.
    this.cluster.close()
    await this.loopDone?.catch(() => {})
    this.active = false
    this.generation = null
    await this.membership.leave().catch(err => this.logger?.debug({ err }, `LeaveGroup of group ${this.opts.groupId} failed; the session timeout removes the member`))
    this.cluster.close()
  }

  private requestRejoin(): void {
    if (this.rejoinNeeded) return
    this.rejoinNeeded = true
    this.active = false
    this.fetcher.clear()
    this.stopHeartbeats()
    const h = this.handlers
    // Expelled (UNKNOWN_MEMBER_ID): the partitions are lost, not revoked; no commit can succeed.
    const expelled = this.membership.memberId === ''
    if (h?.onPartitionsRevoked && !expelled) this.revoking = h.onPartitionsRevoked()
    else h?.onRebalanceStarted()
  }

  /**
   * Kafka's consumer runs onPartitionsRevoked before it sends JoinGroup: the runtime's commit must
   * reach the coordinator while the current generation is still the group's, or it is refused
   * (ILLEGAL_GENERATION) and every task is lost. Waits for it, bounded by the rebalance timeout
   * (the coordinator expels a member that takes longer to join), heartbeating meanwhile: the
   * coordinator answers REBALANCE_IN_PROGRESS, which still confirms the member.
   */
  private async awaitRevocation(): Promise<void> {
    const revoking = this.revoking
    this.revoking = null
    if (revoking === null || !this.running) return
    const timeoutMs = this.opts.rebalanceTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const beats = setInterval(() => {
      if (this.membership.memberId === '') return
      const sentAt = Date.now()
      this.membership.heartbeat().then(
        () => this.confirm(sentAt),
        err => { if (err instanceof KafkaResponseError && err.code === 27) this.confirm(sentAt) },
      )
    }, this.opts.heartbeatIntervalMs)
    const outcome = await Promise.race([
      revoking.then(() => 'committed', () => 'committed'),
      new Promise<string>(resolve => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
        this.stopWaiting = () => resolve('stopped')
      }),
    ])
    clearTimeout(timer)
    clearInterval(beats)
    this.stopWaiting = null
    if (outcome === 'timeout') {
      this.logger?.warn(`Consumer of group ${this.opts.groupId}: the runtime's commit on revocation did not finish within the rebalance timeout (${timeoutMs} ms); rejoining without it`)
    }
  }

  private async loop(): Promise<void> {
    let backoff = 100
    while (this.running) {
      try {
        if (this.rejoinNeeded) await this.rejoin()
        else await this.fetchOnce()
        backoff = 100
      } catch (err) {
        if (!this.running) return
        const rebalance = err instanceof KafkaResponseError && REBALANCE_CODES.has(err.code)
        if (!rebalance && !isRetriableError(err)) {
          this.running = false
          this.stopHeartbeats()
          this.handlers?.onCrash(err instanceof Error ? err : new Error(String(err)))
          return
        }
        if (rebalance) this.requestRejoin()
        this.logger?.debug({ err }, `Consumer of group ${this.opts.groupId}: retrying after a retriable error`)
        await sleep(backoff)
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
      }
    }
  }

  private async fetchOnce(): Promise<void> {
    const reset = this.fetcher.needingReset()
    if (reset.length > 0) await this.resetPositions(reset)
    const fetched = await this.fetcher.round(this.handlers!, () => this.running && !this.rejoinNeeded)
    // Nothing to fetch (all paused, or no partitions): wait as a fetch would.
    if (!fetched) await sleep(this.opts.maxWaitTimeMs ?? 100)
  }

  /** Join, sync, load the starting positions, tell the runtime, and only then fetch. */
  private async rejoin(): Promise<void> {
    this.rejoinNeeded = true
    this.active = false
    this.fetcher.clear()
    await this.awaitRevocation()
    if (!this.running) return
    const g = await this.membership.join(this.topics)
    // The old generation is gone, and the new one is not handed over yet: no commits until it is.
    this.generation = null
    const committed = g.partitions.length > 0 ? await fetchGroupOffsets(this.cluster, this.opts.groupId, g.partitions) : []
    const starts = new Map<string, TopicPartitionOffset>()
    for (const c of committed) if (c.offset >= 0) starts.set(tpKey(c.topic, c.partition), c)
    const missing = g.partitions.filter(p => !starts.has(tpKey(p.topic, p.partition)))
    if (missing.length > 0) {
      const offsets = await listOffsets(this.cluster, missing, this.fromBeginning ? EARLIEST : LATEST)
      for (const p of missing) starts.set(tpKey(p.topic, p.partition), { ...p, offset: offsets.get(tpKey(p.topic, p.partition))! })
    }
    if (!this.running) return
    this.fetcher.assign([...starts.values()])
    for (const [key, s] of this.pendingSeeks) if (starts.has(key)) this.fetcher.seek(s.topic, s.partition, s.offset)
    this.pendingSeeks.clear()
    const lost = this.assignedAs !== null && this.assignedAs !== g.memberId
    this.assignedAs = g.memberId
    this.generation = g
    this.lastUserData = g.userData
    this.active = true
    this.rejoinNeeded = false
    this.confirmedAt = Date.now()
    this.startHeartbeats()
    this.handlers!.onAssigned(g.partitions, lost)
  }

  private async resetPositions(partitions: TopicPartition[]): Promise<void> {
    const offsets = await listOffsets(this.cluster, partitions, this.fromBeginning ? EARLIEST : LATEST)
    for (const p of partitions) {
      const o = offsets.get(tpKey(p.topic, p.partition))
      if (o !== undefined) this.fetcher.seek(p.topic, p.partition, o)
    }
  }

  private startHeartbeats(): void {
    this.stopHeartbeats()
    const beat = async () => {
      this.heartbeatTimer = null
      if (!this.running || !this.active) return
      const sentAt = Date.now()
      try {
        await this.membership.heartbeat()
        this.confirm(sentAt)
      } catch (err) {
        if (err instanceof KafkaResponseError && REBALANCE_CODES.has(err.code)) {
          // REBALANCE_IN_PROGRESS still confirms the member: the coordinator knows it.
          if (err.code === 27) this.confirm(sentAt)
          // UNKNOWN_MEMBER_ID: the coordinator expelled this member; it joins under a new id.
          if (err.code === 25) this.membership.memberId = ''
          this.requestRejoin()
          return
        }
        if (isRetriableError(err)) this.cluster.forgetCoordinator('group', this.opts.groupId)
        this.logger?.debug({ err }, `Heartbeat of group ${this.opts.groupId} failed`)
      }
      if (this.running && this.active && this.heartbeatTimer === null) this.heartbeatTimer = setTimeout(beat, this.opts.heartbeatIntervalMs)
    }
    this.heartbeatTimer = setTimeout(beat, this.opts.heartbeatIntervalMs)
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = null
  }
}
