import { streamsAssignor } from '../assignment/streams-assignor.js'
import type { ClientFactory } from '../clients/types.js'
import { childLogger } from '../config/logger.js'
import type { ResolvedStreamsConfig } from '../config/types.js'
import { StreamThread, type StreamThreadDeps } from '../processing/stream-thread.js'
import { ThreadProducer, threadTransactionalIdOf } from '../tasks/thread-producer.js'

/**
 * A stream thread with a fresh group consumer (also how REPLACE_THREAD recovers), not started.
 * `number` names it, as Kafka Streams' thread names do; it logs through a child logger so named.
 */
export function newStreamThread(base: Omit<StreamThreadDeps, 'consumer'>, clients: ClientFactory, number: number): StreamThread {
  const { config } = base
  let thread: StreamThread | null = null
  const consumer = clients.groupConsumer({
    groupId: config.applicationId,
    assigner: streamsAssignor({
      subtopologies: () => base.subtopologies,
      subscription: () => thread!.subscription(),
      numStandbyReplicas: config.numStandbyReplicas,
    }),
    sessionTimeoutMs: config.sessionTimeoutMs,
    rebalanceTimeoutMs: config.rebalanceTimeoutMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  })
  const name = `${config.applicationId}-StreamThread-${number}`
  const logger = childLogger(config.logger, { thread: name })
  logger.info(`Starting stream thread ${name}`)
  const threadProducer = threadProducerFor(config, clients, base.processId)
  thread = new StreamThread({ ...base, config: { ...base.config, logger }, consumer, threadProducer })
  return thread
}

/** Thread indexes in use, per process id (an instance's threads, for transactional ids). */
const indexesInUse = new Map<string, Set<number>>()

/**
 * Under exactly_once_v2, when the client commits offsets in transactions with group metadata
 * (KIP-447), the thread's one transactional producer, `<applicationId>-<processId>-<index>`
 * (Kafka Streams' EOS v2); else null: each task creates its own (`<applicationId>-<taskId>`).
 * The index is the smallest no running thread of the instance uses, as Kafka Streams numbers
 * threads: a thread replacing a failed one takes its transactional id, so its producer's
 * initialization fences the old one and aborts whatever it left open.
 */
export function threadProducerFor(
  config: ResolvedStreamsConfig,
  clients: Pick<ClientFactory, 'producer' | 'groupMetadataInTransactions'>,
  processId: string,
): ThreadProducer | null {
  if (config.processingGuarantee !== 'exactly_once_v2' || !clients.groupMetadataInTransactions) return null
  let used = indexesInUse.get(processId)
  if (!used) indexesInUse.set(processId, (used = new Set()))
  let index = 1
  while (used.has(index)) index++
  used.add(index)
  const inUse = used
  return new ThreadProducer({
    clients,
    transactionalId: threadTransactionalIdOf(config.applicationId, processId, index),
    transactionTimeoutMs: config.transactionTimeoutMs,
    onDispose: () => {
      inUse.delete(index)
      if (inUse.size === 0 && indexesInUse.get(processId) === inUse) indexesInUse.delete(processId)
    },
  })
}
