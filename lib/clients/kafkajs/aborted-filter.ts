import { createRequire } from 'node:module'
import type { Kafka } from 'kafkajs'

/*
 * kafkajs (2.2.x) filters aborted transactional records with a list it assumes sorted by first
 * offset and registers at most one aborted transaction per record. Brokers list aborted
 * transactions in marker order (Kafka's transaction index does too), so records of an aborted
 * transaction that began before another one was aborted reach read_committed consumers. That
 * breaks exactly-once for any reader of a topic with interleaved transactions (repartition topics,
 * changelogs after crashes). We filter correctly ourselves, right after each Fetch: aborted data
 * records are flagged as control records (kafkajs drops those, yet they still advance the
 * consumer's position) and the list handed to kafkajs is emptied.
 *
 * The fix is applied to one `Kafka` instance (the runtime applies it to its own), or, only when an
 * application asks for it, to every kafkajs reader of the process.
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

type FetchResponse = { responses?: { partitions?: FetchedPartition[] }[] }
type Fetch = (...args: unknown[]) => Promise<unknown>
interface BrokerLike { fetch: Fetch }

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

function filteringFetch(original: Fetch): Fetch {
  return async function fetchFilteringAborted(this: unknown, ...args: unknown[]) {
    const res = (await original.apply(this, args)) as FetchResponse
    for (const topic of res.responses ?? []) for (const p of topic.partitions ?? []) filterAbortedInPlace(p)
    return res
  }
}

const fixedInstances = new WeakSet<Kafka>()

/**
 * Makes every reader created from this `Kafka` instance (consumers, and clusters made for manual
 * reads) filter aborted transactions correctly; other kafkajs instances of the process are left
 * as they are. Returns the same instance.
 */
export function fixKafkajsReadCommitted(kafka: Kafka): Kafka {
  if (fixedInstances.has(kafka)) return kafka
  const sym = Object.getOwnPropertySymbols(kafka).find(s => s.description === 'private:Kafka:createCluster')
  const holder = kafka as unknown as Record<symbol, (o: object) => { brokerPool: { createBroker: (o: object) => BrokerLike } }>
  const createCluster = sym ? holder[sym] : undefined
  if (!sym || typeof createCluster !== 'function') {
    throw new Error('fixKafkajsReadCommitted: unsupported kafkajs version (expected 2.2.x): cannot reach its cluster factory')
  }
  holder[sym] = (opts: object) => {
    const cluster = createCluster(opts)
    const pool = cluster.brokerPool
    const createBroker = pool.createBroker
    pool.createBroker = (o: object) => {
      const broker = createBroker(o)
      broker.fetch = filteringFetch(broker.fetch)
      return broker
    }
    return cluster
  }
  fixedInstances.add(kafka)
  return kafka
}

let installed = false

/**
 * Process-wide: wraps kafkajs's Broker#fetch once so every kafkajs reader of the process filters
 * aborted transactions correctly. Only for applications that choose it (`kstreams/kafkajs`).
 */
export function installKafkajsReadCommittedFix(): void {
  if (installed) return
  installed = true
  const require = createRequire(import.meta.url)
  const Broker = require('kafkajs/src/broker/index.js') as { prototype: BrokerLike }
  Broker.prototype.fetch = filteringFetch(Broker.prototype.fetch)
}
