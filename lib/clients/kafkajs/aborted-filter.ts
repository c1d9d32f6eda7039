import { createRequire } from 'node:module'

/*
 * kafkajs (2.2.x) filters aborted transactional records with a list it assumes sorted by first
 * offset and registers at most one aborted transaction per record. Brokers list aborted
 * transactions in marker order (Kafka's transaction index does too), so records of an aborted
 * transaction that began before another one was aborted reach read_committed consumers. That
 * breaks exactly-once for any reader of a topic with interleaved transactions (repartition topics,
 * changelogs after crashes). We filter correctly ourselves, right after each Fetch: aborted data
 * records are flagged as control records (kafkajs drops those, yet they still advance the
 * consumer's position) and the list handed to kafkajs is emptied.
 */

interface FetchedMessage {
  offset: string
  key: Buffer | null
  isControlRecord?: boolean
  batchContext?: { producerId: string | number | bigint; inTransaction: boolean }
}

interface FetchedPartition {
  abortedTransactions?: { producerId: string | number | bigint; firstOffset: string | number }[] | null
  messages?: FetchedMessage[]
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0])

export function filterAbortedInPlace(partition: FetchedPartition): void {
  const list = partition.abortedTransactions
  if (!list || list.length === 0 || !partition.messages) return
  const aborted = list.map(t => ({ pid: String(t.producerId), first: Number(t.firstOffset) })).sort((a, b) => a.first - b.first)
  const open = new Set<string>()
  let next = 0
  for (const m of partition.messages) {
    const offset = Number(m.offset)
    while (next < aborted.length && aborted[next]!.first <= offset) open.add(aborted[next++]!.pid)
    const ctx = m.batchContext
    if (!ctx) continue
    const pid = String(ctx.producerId)
    if (m.isControlRecord) {
      if (m.key && Buffer.from(m.key).equals(ABORT_MARKER_KEY)) open.delete(pid)
      continue
    }
    if (ctx.inTransaction && open.has(pid)) m.isControlRecord = true
  }
  partition.abortedTransactions = []
}

let installed = false

/** Wraps kafkajs's Broker#fetch once per process so every kafkajs reader filters correctly. */
export function installAbortedFilterFix(): void {
  if (installed) return
  installed = true
  const require = createRequire(import.meta.url)
  const Broker = require('kafkajs/src/broker/index.js') as { prototype: { fetch: (...args: unknown[]) => Promise<unknown> } }
  const original = Broker.prototype.fetch
  Broker.prototype.fetch = async function patchedFetch(this: unknown, ...args: unknown[]) {
    const res = (await original.apply(this, args)) as { responses?: { partitions?: FetchedPartition[] }[] }
    for (const topic of res.responses ?? []) for (const p of topic.partitions ?? []) filterAbortedInPlace(p)
    return res
  }
}
