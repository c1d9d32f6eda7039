import { ErrorCode } from '../../protocol/errors.js'
import type { Message } from '../../protocol/codec.js'
import type { BrokerContext, Handler } from '../context.js'
import { partitionKey, type FetchWaiter } from '../fetch-waiters.js'

const EMPTY = Buffer.alloc(0)

interface FetchResult { response: Message; bytes: number; error: boolean }

// Reads every requested partition once; stored batches are returned as they are (no copy).
function readAll(body: Message, broker: BrokerContext): FetchResult {
  const isolation: 0 | 1 = body.isolationLevel === 1 ? 1 : 0
  let remaining: number = body.maxBytes > 0 ? body.maxBytes : 0x7fffffff
  let bytes = 0
  let error = false
  const responses: Message[] = []
  for (const t of body.topics as Message[]) {
    const partitions: Message[] = []
    for (const p of t.partitions as Message[]) {
      const log = broker.logs.partition(t.topic, p.partition)
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
      let records: Buffer | readonly Buffer[] = r.chunks.length === 1 ? r.chunks[0]! : r.chunks
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
        abortedTransactions: r.abortedTransactions,
        preferredReadReplica: -1,
        records,
      })
    }
    responses.push({ topic: t.topic, partitions })
  }
  return { response: { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses }, bytes, error }
}

// Long poll: answer once minBytes are available, on any error, or after maxWaitMs.
export const fetch: Handler = (body, broker) => {
  const first = readAll(body, broker)
  const minBytes = Math.max(body.minBytes, 1)
  if (first.error || first.bytes >= minBytes || body.maxWaitMs <= 0) return first.response
  return new Promise<Message>((resolve, reject) => {
    const keys: string[] = []
    for (const t of body.topics as Message[]) for (const p of t.partitions as Message[]) keys.push(partitionKey(t.topic, p.partition))
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
