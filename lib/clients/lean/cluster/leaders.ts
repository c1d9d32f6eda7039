import type { TopicPartition } from '../../types.js'
import { KafkaResponseError } from '../errors.js'
import type { BrokerConnection } from '../net/connection.js'
import type { Cluster } from './cluster.js'
import { isRetriableError, isStaleMetadata, sleep } from './retry.js'

/** What one request to one leader achieved: results, and the partitions that failed with an error. */
export interface LeaderOutcome<T, R> {
  done: R[]
  failed: { item: T; error: KafkaResponseError }[]
}

/**
 * Sends one request per partition leader and collects the results. Partitions that fail with a
 * retriable error (or whose leader cannot be reached) are sent again after fresh metadata, with
 * backoff; a non-retriable error, or a retriable one that outlasts the retries, is thrown.
 */
export async function perLeader<T extends TopicPartition, R>(
  cluster: Cluster,
  items: readonly T[],
  send: (conn: BrokerConnection, items: T[]) => Promise<LeaderOutcome<T, R>>,
  retries = 8,
): Promise<R[]> {
  const out: R[] = []
  let pending = [...items]
  let backoff = 100
  for (let attempt = 0; pending.length > 0; attempt++) {
    const groups = new Map<BrokerConnection, T[]>()
    const retry: T[] = []
    let lastError: unknown = null
    await cluster.metadata([...new Set(pending.map(i => i.topic))])
    for (const item of pending) {
      try {
        const conn = await cluster.leaderFor(item.topic, item.partition)
        let g = groups.get(conn)
        if (!g) groups.set(conn, (g = []))
        g.push(item)
      } catch (err) {
        if (!isRetriableError(err) || attempt >= retries) throw err
        lastError = err
        retry.push(item)
      }
    }
    await Promise.all([...groups].map(async ([conn, group]) => {
      try {
        const res = await send(conn, group)
        out.push(...res.done)
        for (const f of res.failed) {
          if (!f.error.retriable || attempt >= retries) throw f.error
          if (isStaleMetadata(f.error)) cluster.invalidate(f.item.topic)
          lastError = f.error
          retry.push(f.item)
        }
      } catch (err) {
        if (!isRetriableError(err) || attempt >= retries) throw err
        lastError = err
        for (const i of group) {
          cluster.invalidate(i.topic)
          retry.push(i)
        }
      }
    }))
    pending = retry
    if (pending.length > 0) {
      if (attempt >= retries) throw lastError
      await sleep(backoff)
      backoff = Math.min(2000, backoff * 2)
    }
  }
  return out
}

/** Items grouped by topic, in first-seen order. */
export function byTopic<T extends { topic: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const i of items) {
    let g = m.get(i.topic)
    if (!g) m.set(i.topic, (g = []))
    g.push(i)
  }
  return m
}
