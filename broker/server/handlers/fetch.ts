import { ErrorCode } from '../../../protocol/errors.js'
import { recordsOf } from '../../../protocol/runtime/codec.js'
import type { FetchRequest, FetchResponse, FetchableTopicResponse, PartitionData } from '../../../protocol/messages/fetch.js'
import type { BrokerContext, Handler } from '../context.js'
import type { FetchWaiter } from '../fetch-waiters.js'
import { planFetch, type FetchPlan as Plan, type Target } from './fetch-plan.js'

const EMPTY = Buffer.alloc(0)
/** This broker is the only leader its partitions ever had: their leader epoch stays 0. */
export const LEADER_EPOCH = 0

interface Read { target: Target; data: PartitionData; size: number }
interface FetchResult { reads: Read[]; bytes: number; error: boolean }

/** KIP-320: a request's current leader epoch must be the partition's (-1 skips the check). */
export function leaderEpochError(currentLeaderEpoch: number): number {
  if (currentLeaderEpoch < 0 || currentLeaderEpoch === LEADER_EPOCH) return 0
  return currentLeaderEpoch > LEADER_EPOCH ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH
}

function failure(partition: number, errorCode: number): PartitionData {
  return {
    partitionIndex: partition, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
    abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
  }
}

// Reads every partition of the plan once; stored batches are returned as they are (no copy).
function readAll(plan: Plan, body: FetchRequest, broker: BrokerContext, version: number): FetchResult {
  const isolation: 0 | 1 = body.isolationLevel === 1 ? 1 : 0
  let remaining = body.maxBytes !== undefined && body.maxBytes > 0 ? body.maxBytes : 0x7fffffff
  let bytes = 0
  let error = plan.failed.length > 0
  const reads: Read[] = []
  for (const t of plan.targets) {
    const epochError = leaderEpochError(t.currentLeaderEpoch)
    const log = epochError ? undefined : broker.logs.partition(t.topic, t.partition)
    if (!log) {
      // A topic deleted under a session is gone by id (v13+); otherwise the partition is unknown.
      const gone = version >= 13 && !broker.logs.topicId(t.topic)?.equals(t.topicId)
      const code = epochError || (gone ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      error = true
      reads.push({ target: t, data: failure(t.partition, code), size: 0 })
      continue
    }
    const limit = Math.min(t.maxBytes, remaining)
    let r
    if (limit <= 0 && bytes > 0) {
      r = { errorCode: 0, chunks: [], size: 0, highWatermark: log.logEndOffset, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions: isolation ? [] : null }
    } else {
      r = log.read(t.fetchOffset, Math.max(limit, 1), isolation)
    }
    // Stored batches go to the socket by reference (the writer keeps them as separate chunks).
    let records = recordsOf(r.chunks)
    let size = r.size
    // Only the first partition with data may exceed the size limit (Kafka's minOneMessage).
    if (bytes > 0 && size > limit) { records = EMPTY; size = 0 }
    if (r.errorCode) error = true
    bytes += size
    remaining -= size
    reads.push({
      target: t,
      size,
      data: {
        partitionIndex: t.partition,
        errorCode: r.errorCode,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        abortedTransactions: r.abortedTransactions === null ? null
          : r.abortedTransactions.map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })),
        preferredReadReplica: -1,
        records,
      },
    })
  }
  return { reads, bytes, error }
}

// Builds the response and records in the session what it tells the client. An incremental
// fetch answers only partitions with news; partitions that returned records move to the end of
// the session's order so that the others get their turn under maxBytes, as in Kafka.
function respond(plan: Plan, result: FetchResult): FetchResponse {
  const responses: FetchableTopicResponse[] = []
  let current: FetchableTopicResponse | null = null
  const add = (topic: string, topicId: Buffer, data: PartitionData): void => {
    if (!current || current.topic !== topic || !current.topicId!.equals(topicId)) {
      current = { topic, topicId, partitions: [] }
      responses.push(current)
    }
    current.partitions.push(data)
  }
  for (const f of plan.failed) add(f.topic, f.topicId, failure(f.partition, f.errorCode))
  const moved: Target[] = []
  for (const { target: t, data, size } of result.reads) {
    const c = t.cached
    const changed = !c || data.errorCode !== 0 || size > 0 || c.highWatermark !== data.highWatermark ||
      c.lastStableOffset !== data.lastStableOffset || c.logStartOffset !== data.logStartOffset
    if (plan.incremental && !changed) continue
    if (c) {
      c.highWatermark = data.highWatermark
      c.lastStableOffset = data.lastStableOffset ?? -1
      c.logStartOffset = data.logStartOffset ?? -1
      if (size > 0) moved.push(t)
    }
    add(t.topic, t.topicId, data)
  }
  const session = plan.session
  if (session) {
    for (const t of moved) {
      const c = session.partitions.get(t.key)
      if (c) { session.partitions.delete(t.key); session.partitions.set(t.key, c) }
    }
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: session?.id ?? 0, responses }
}

// Long poll: answer once minBytes are available, on any error, or after maxWaitMs (an
// incremental fetch too: a moved high watermark alone does not end the wait, as in Kafka).
export const fetch: Handler<FetchRequest, FetchResponse> = (body, broker, { header }) => {
  const version = header.apiVersion
  const plan = planFetch(body, broker, version, Date.now())
  if (typeof plan === 'number') return { throttleTimeMs: 0, errorCode: plan, sessionId: 0, responses: [] }
  const minBytes = Math.max(body.minBytes, 1)
  const ready = (r: FetchResult): boolean => r.error || r.bytes >= minBytes
  const first = readAll(plan, body, broker, version)
  if (ready(first) || body.maxWaitMs <= 0 || plan.targets.length === 0) return respond(plan, first)
  return new Promise<FetchResponse>((resolve, reject) => {
    const keys = plan.targets.map((t) => t.key)
    let timer: NodeJS.Timeout | null = null
    const waiter: FetchWaiter = {
      keys,
      // Runs inside another connection's produce (the log's append event): a failure here must
      // fail this fetch only, never the producer's request.
      onAppend: (final) => {
        let r: FetchResult
        try {
          r = readAll(plan, body, broker, version)
        } catch (err) {
          broker.fetchWaiters.remove(waiter)
          if (timer) clearTimeout(timer)
          reject(err)
          return
        }
        if (!final && !ready(r)) return
        broker.fetchWaiters.remove(waiter)
        if (timer) clearTimeout(timer)
        resolve(respond(plan, r))
      },
    }
    broker.fetchWaiters.add(waiter)
    timer = setTimeout(() => waiter.onAppend(true), body.maxWaitMs)
  })
}
