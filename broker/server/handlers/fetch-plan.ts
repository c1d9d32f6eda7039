// What a Fetch request asks for, once its session metadata and topic ids are resolved: the
// partitions to read in order, the partitions answered with an error up front, and the fetch
// session it runs in (KIP-227), following Kafka's FetchManager.newContext.
import { ErrorCode } from '../../../protocol/errors.js'
import type { FetchRequest } from '../../../protocol/messages/fetch.js'
import type { BrokerContext } from '../context.js'
import { partitionKey } from '../fetch-waiters.js'
import { FINAL_EPOCH, FetchSession, INITIAL_EPOCH, type SessionPartition } from '../fetch-sessions.js'

const ZERO_UUID = Buffer.alloc(16)

export interface Target {
  readonly key: string
  readonly topic: string
  readonly topicId: Buffer
  readonly partition: number
  readonly fetchOffset: number
  readonly maxBytes: number
  readonly currentLeaderEpoch: number
  /** The session's record of this partition (incremental fetches and new sessions). */
  readonly cached: SessionPartition | null
}

export interface FailedPartition { readonly topic: string; readonly topicId: Buffer; readonly partition: number; readonly errorCode: number }

export interface FetchPlan {
  readonly targets: readonly Target[]
  readonly failed: readonly FailedPartition[]
  /** The session the response belongs to (its id goes in the response), or null for a sessionless fetch. */
  readonly session: FetchSession | null
  /** Only partitions with news are answered (an incremental fetch of an existing session). */
  readonly incremental: boolean
}

/**
 * Resolves the request's topics (by id from v13) and its session, updating the session as Kafka
 * does on arrival; a number is the error code of a request its session refuses.
 */
export function planFetch(body: FetchRequest, broker: BrokerContext, version: number, now: number): FetchPlan | number {
  const byId = version >= 13
  const sessionId = body.sessionId ?? 0
  const epoch = body.sessionEpoch ?? FINAL_EPOCH
  const failed: FailedPartition[] = []
  const requested: Target[] = []
  for (const t of body.topics) {
    let topic: string | undefined
    let topicId: Buffer
    if (byId) {
      topicId = Buffer.from(t.topicId ?? ZERO_UUID)
      topic = broker.logs.topicName(topicId)
      if (topic === undefined) {
        for (const p of t.partitions) failed.push({ topic: '', topicId, partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_ID })
        continue
      }
    } else {
      topic = t.topic ?? ''
      topicId = broker.logs.topicId(topic) ?? ZERO_UUID
    }
    for (const p of t.partitions) {
      requested.push({
        key: partitionKey(topic, p.partition), topic, topicId, partition: p.partition, fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, cached: null,
      })
    }
  }

  if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
    // A full fetch: it closes the session it names, and opens a new one unless its epoch is final.
    if (sessionId !== 0) broker.fetchSessions.remove(sessionId)
    if (epoch === FINAL_EPOCH) return { targets: requested, failed, session: null, incremental: false }
    const session = broker.fetchSessions.create(now, byId)
    const targets = requested.map((t) => {
      const cached: SessionPartition = {
        topic: t.topic, topicId: t.topicId, partition: t.partition, fetchOffset: t.fetchOffset, maxBytes: t.maxBytes,
        currentLeaderEpoch: t.currentLeaderEpoch, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
      }
      session.partitions.set(t.key, cached)
      return { ...t, cached }
    })
    return { targets, failed, session, incremental: false }
  }

  const session = broker.fetchSessions.get(sessionId, now)
  if (!session) return ErrorCode.FETCH_SESSION_ID_NOT_FOUND
  if (session.epoch !== epoch) return ErrorCode.INVALID_FETCH_SESSION_EPOCH
  if (session.usesTopicIds !== byId) return ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR
  for (const t of requested) {
    const have = session.partitions.get(t.key)
    if (have) {
      have.fetchOffset = t.fetchOffset
      have.maxBytes = t.maxBytes
      have.currentLeaderEpoch = t.currentLeaderEpoch
    } else {
      session.partitions.set(t.key, {
        topic: t.topic, topicId: t.topicId, partition: t.partition, fetchOffset: t.fetchOffset, maxBytes: t.maxBytes,
        currentLeaderEpoch: t.currentLeaderEpoch, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
      })
    }
  }
  for (const f of body.forgottenTopicsData ?? []) {
    const topic = byId ? broker.logs.topicName(f.topicId ?? ZERO_UUID) : f.topic
    if (topic === undefined) continue
    for (const p of f.partitions) session.partitions.delete(partitionKey(topic, p))
  }
  if (session.partitions.size === 0) {
    // Nothing left to fetch: the session ends and the answer is an empty sessionless one.
    broker.fetchSessions.remove(session.id)
    return { targets: [], failed, session: null, incremental: false }
  }
  session.epoch = FetchSession.nextEpoch(session.epoch)
  const targets: Target[] = []
  for (const [key, c] of session.partitions) {
    targets.push({
      key, topic: c.topic, topicId: c.topicId, partition: c.partition, fetchOffset: c.fetchOffset, maxBytes: c.maxBytes,
      currentLeaderEpoch: c.currentLeaderEpoch, cached: c,
    })
  }
  return { targets, failed, session, incremental: true }
}
