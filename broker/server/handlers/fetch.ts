import { ErrorCode } from '../../../protocol/errors.js'
import { recordsOf } from '../../../protocol/runtime/codec.js'
import type { FetchRequest, FetchResponse, FetchableTopicResponse, PartitionData } from '../../../protocol/messages/fetch.js'
import type { BrokerContext, Handler } from '../context.js'
import { partitionKey, type FetchWaiter } from '../fetch-waiters.js'

const EMPTY = Buffer.alloc(0)

interface FetchResult { response: FetchResponse; bytes: number; error: boolean }

// Reads every requested partition once; stored batches are returned as they are (no copy).
function readAll(body: FetchRequest, broker: BrokerContext): FetchResult {
  const isolation: 0 | 1 = body.isolationLevel === 1 ? 1 : 0
  let remaining = body.maxBytes !== undefined && body.maxBytes > 0 ? body.maxBytes : 0x7fffffff
  let bytes = 0
  let error = false
  const responses: FetchableTopicResponse[] = []
  for (const t of body.topics) {
    const topic = t.topic ?? ''
    const partitions: PartitionData[] = []
    for (const p of t.partitions) {
      const log = broker.logs.partition(topic, p.partition)
      if (!log) {
        error = true
        partitions.push({
          partitionIndex: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1,
          lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
        })
        continue
      }
      const limit = Math.min(p.partitionMaxBytes, remaining)
      let r
      if (limit <= 0 && bytes > 0) {
        r = { errorCode: 0, chunks: [], size: 0, highWatermark: log.logEndOffset, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions: isolation ? [] : null }
      } else {
        r = log.read(p.fetchOffset, Math.max(limit, 1), isolation)
      }
      // Stored batches go to the socket by reference (the writer keeps them as separate chunks).
      let records = recordsOf(r.chunks)
      let size = r.size
      // Only the first partition with data may exceed the size limit (Kafka's minOneMessage).
      if (bytes > 0 && size > limit) { records = EMPTY; size = 0 }
      if (r.errorCode) error = true
      bytes += size
      remaining -= size
      partitions.push({
        partitionIndex: p.partition,
        errorCode: r.errorCode,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        abortedTransactions: r.abortedTransactions === null ? null
          : r.abortedTransactions.map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })),
        preferredReadReplica: -1,
        records,
      })
    }
    responses.push({ topic, partitions })
  }
  return { response: { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses }, bytes, error }
}

// Long poll: answer once minBytes are available, on any error, or after maxWaitMs.
export const fetch: Handler<FetchRequest, FetchResponse> = (body, broker) => {
  const first = readAll(body, broker)
  const minBytes = Math.max(body.minBytes, 1)
  if (first.error || first.bytes >= minBytes || body.maxWaitMs <= 0) return first.response
  return new Promise<FetchResponse>((resolve, reject) => {
    const keys: string[] = []
    for (const t of body.topics) for (const p of t.partitions) keys.push(partitionKey(t.topic ?? '', p.partition))
    let timer: NodeJS.Timeout | null = null
    const waiter: FetchWaiter = {
      keys,
      // Runs inside another connection's produce (the log's append event): a failure here must
      // fail this fetch only, never the producer's request.
      onAppend: (final) => {
        let r: FetchResult
        try {
          r = readAll(body, broker)
        } catch (err) {
          broker.fetchWaiters.remove(waiter)
          if (timer) clearTimeout(timer)
          reject(err)
          return
        }
        if (!final && !r.error && r.bytes < minBytes) return
        broker.fetchWaiters.remove(waiter)
        if (timer) clearTimeout(timer)
        resolve(r.response)
      },
    }
    broker.fetchWaiters.add(waiter)
    timer = setTimeout(() => waiter.onAppend(true), body.maxWaitMs)
  })
}
