import { AssignerProtocol, type Consumer, type Kafka } from 'kafkajs'
import type {
  FetchedRecord,
  GroupConsumer,
  GroupConsumerHandlers,
  GroupConsumerOptions as BaseGroupConsumerOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../types.js'
import { ClientError, classifyClientError } from '../errors.js'
import { tpKey } from '../types.js'
import { kafkajsAssigner } from './assigner.js'
import { fromKafkajsHeaders } from './headers.js'
import { fetchChannel, type FetchTraceMessage } from '../../tracing/channels.js'

const RESTARTABLE = new Set(['retriable', 'rebalance', 'unknown_topic'])

export type KafkajsGroupConsumerOptions = BaseGroupConsumerOptions


/**
 * A group member built on the kafkajs consumer. It only feeds records into the runtime's queues;
 * processing runs elsewhere, so heartbeats never wait on user code. Offsets are never committed
 * automatically: the runtime commits what its tasks processed.
 */
export class KafkajsGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer
  private lastAssigned: TopicPartition[] = []
  private currentMemberId: string | null = null
  /** Set by disconnect: a start kafkajs had under way must not restart the consumer afterwards. */
  private closed = false
  /**
   * Whether kafkajs's consumer group exists and has joined. kafkajs drops it when it stops (also
   * while restarting after a crash, see `restartOnFailure`) and creates a new one that has lost
   * every pause and seek; meanwhile seek/pause/resume/commitOffsets throw "not initialized".
   */
  private joined = false
  /** Partitions the runtime wants paused, re-applied whenever kafkajs's consumer (re)joins. */
  private readonly paused = new Map<string, TopicPartition>()
  /** Seeks asked for while kafkajs's consumer was down, applied when it has joined again. */
  private readonly pendingSeeks = new Map<string, { topic: string; partition: number; offset: number }>()
  /** When the coordinator last confirmed this member: a join, a heartbeat or an offset commit answered. */
  private confirmedAt = 0

  constructor(kafka: Kafka, private readonly opts: KafkajsGroupConsumerOptions) {
    this.consumer = kafka.consumer({
      groupId: opts.groupId,
      partitionAssigners: [kafkajsAssigner(opts.assigner)],
      sessionTimeout: opts.sessionTimeoutMs,
      rebalanceTimeout: opts.rebalanceTimeoutMs,
      heartbeatInterval: opts.heartbeatIntervalMs,
      maxWaitTimeInMs: opts.maxWaitTimeMs ?? 100,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      // kafkajs gives up on some errors a broker outage or a rebalance causes (coordinator lookups,
      // a membership lost while rejoining); restart the consumer on those rather than failing.
      retry: { retries: 10, restartOnFailure: async (e: Error) => !this.closed && RESTARTABLE.has(classifyClientError(e)) },
    })
  }

  async connect(): Promise<void> {
    await this.consumer.connect()
  }

  async subscribe(topics: readonly string[], fromBeginning: boolean): Promise<void> {
    await this.consumer.subscribe({ topics: [...topics], fromBeginning })
  }

  async run(handlers: GroupConsumerHandlers): Promise<void> {
    const { GROUP_JOIN, CRASH, HEARTBEAT, REBALANCING, START_BATCH_PROCESS, STOP } = this.consumer.events
    const onFetched = handlers.onFetched
    if (onFetched) {
      this.consumer.on(START_BATCH_PROCESS, e => {
        const last = Number(e.payload.lastOffset)
        if (Number.isFinite(last)) onFetched(e.payload.topic, e.payload.partition, last + 1)
      })
    }
    this.consumer.on(REBALANCING, () => handlers.onRebalanceStarted())
    this.consumer.on(HEARTBEAT, () => {
      this.confirmedAt = Date.now()
    })
    // kafkajs emits STOP right after dropping its consumer group (stop, disconnect, crash restart).
    this.consumer.on(STOP, () => {
      this.joined = false
    })
    this.consumer.on(GROUP_JOIN, e => {
      const parts: TopicPartition[] = []
      for (const [topic, ps] of Object.entries(e.payload.memberAssignment)) for (const p of ps) parts.push({ topic, partition: p })
      const previous = this.currentMemberId
      this.lastAssigned = parts
      this.currentMemberId = e.payload.memberId
      this.joined = true
      this.confirmedAt = Date.now()
      this.reapply()
      handlers.onAssigned(parts, previous !== null && previous !== e.payload.memberId)
    })
    this.consumer.on(CRASH, e => {
      this.joined = false
      if (e.payload.restart) handlers.onRestarting?.(e.payload.error)
      else handlers.onCrash(e.payload.error)
    })
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        const msgs = batch.messages
        const records = new Array<FetchedRecord>(msgs.length)
        for (let i = 0; i < msgs.length; i++) {
          const m = msgs[i]!
          records[i] = {
            offset: Number(m.offset),
            key: m.key,
            value: m.value,
            timestamp: Number(m.timestamp),
            headers: fromKafkajsHeaders(m.headers as Parameters<typeof fromKafkajsHeaders>[0]),
          }
        }
        if (fetchChannel.hasSubscribers) fetchChannel.publish(fetchMessage(batch.topic, batch.partition, records, batch.highWatermark))
        handlers.onRecords(batch.topic, batch.partition, records, Number(batch.highWatermark))
      },
    })
  }

  assigned(): TopicPartition[] {
    return this.lastAssigned
  }

  /** Pauses, resumes and seeks are kept here while kafkajs's consumer is down (see `joined`). */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.set(tpKey(tp.topic, tp.partition), tp)
    if (partitions.length > 0 && this.joined) this.consumer.pause(groupByTopic(partitions))
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(tpKey(tp.topic, tp.partition))
    if (partitions.length > 0 && this.joined) this.consumer.resume(groupByTopic(partitions))
  }

  seek(topic: string, partition: number, offset: number): void {
    if (this.joined) this.consumer.seek({ topic, partition, offset: String(offset) })
    else this.pendingSeeks.set(tpKey(topic, partition), { topic, partition, offset })
  }

  /** On GROUP_JOIN, before any fetch of the new generation: a re-created consumer knows none of them. */
  private reapply(): void {
    for (const s of this.pendingSeeks.values()) this.consumer.seek({ topic: s.topic, partition: s.partition, offset: String(s.offset) })
    this.pendingSeeks.clear()
    if (this.paused.size > 0) this.consumer.pause(groupByTopic([...this.paused.values()]))
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return
    if (!this.joined) {
      // Transient: kafkajs is re-creating its consumer (or has not joined yet); commit after it has.
      throw new ClientError('retriable', `Cannot commit offsets of group ${this.opts.groupId} now: its consumer is not a group member (kafkajs is restarting it or rejoining)`)
    }
    await this.consumer.commitOffsets(offsets.map(o => ({ topic: o.topic, partition: o.partition, offset: String(o.offset), metadata: o.metadata ?? null })))
    this.confirmedAt = Date.now()
  }

  /**
   * How long this member has gone without the coordinator confirming it (a heartbeat, join or
   * offset commit answered), when that is longer than the session timeout: the coordinator has
   * probably expelled it (the process was paused or starved), so its partitions may have another
   * owner already. Kafka's consumer marks the coordinator unknown at that point; the runtime
   * neither processes nor commits until the next answer. Null while the session holds.
   */
  unconfirmedForMs(now = Date.now()): number | null {
    if (!this.joined || this.confirmedAt === 0) return null
    const silent = now - this.confirmedAt
    return silent > this.opts.sessionTimeoutMs ? silent : null
  }

  /**
   * This member's assignment user data. kafkajs drops it after SyncGroup, so it is read back from
   * the coordinator (DescribeGroups carries every member's assignment bytes).
   */
  async assignmentUserData(memberId?: string): Promise<Buffer | null> {
    const desc = await this.consumer.describeGroup()
    const me = memberId ?? this.memberId()
    const member = desc.members.find(m => m.memberId === me)
    if (!member) return null
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment as Buffer)
    return decoded?.userData ?? null
  }

  memberId(): string | null {
    return this.currentMemberId
  }

  /** kafkajs does not expose its generation id, so it cannot take part in KIP-447 commits. */
  groupMetadata(): null {
    return null
  }

  async disconnect(): Promise<void> {
    this.closed = true
    await this.consumer.disconnect()
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const m = new Map<string, number[]>()
  for (const p of partitions) {
    if (!m.has(p.topic)) m.set(p.topic, [])
    m.get(p.topic)!.push(p.partition)
  }
  return [...m].map(([topic, ps]) => ({ topic, partitions: ps }))
}

function fetchMessage(topic: string, partition: number, records: readonly FetchedRecord[], highWatermark: string): FetchTraceMessage {
  return {
    topic,
    partition,
    records: records.length,
    firstOffset: records.length > 0 ? records[0]!.offset : -1,
    lastOffset: records.length > 0 ? records[records.length - 1]!.offset : -1,
    highWatermark: Number(highWatermark),
  }
}
