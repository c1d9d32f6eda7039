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
  const threadProducer = threadProducerFor(config, clients, base.processId, number)
  thread = new StreamThread({ ...base, config: { ...base.config, logger }, consumer, threadProducer })
  return thread
}

/**
 * Under exactly_once_v2, when the client commits offsets in transactions with group metadata
 * (KIP-447), the thread's one transactional producer, `<applicationId>-<processId>-<thread>`
 * (Kafka Streams' EOS v2); else null: each task creates its own (`<applicationId>-<taskId>`).
 */
export function threadProducerFor(
  config: ResolvedStreamsConfig,
  clients: Pick<ClientFactory, 'producer' | 'groupMetadataInTransactions'>,
  processId: string,
  threadIndex: number,
): ThreadProducer | null {
  if (config.processingGuarantee !== 'exactly_once_v2' || !clients.groupMetadataInTransactions) return null
  return new ThreadProducer({
    clients,
    transactionalId: threadTransactionalIdOf(config.applicationId, processId, threadIndex),
    transactionTimeoutMs: config.transactionTimeoutMs,
  })
}
