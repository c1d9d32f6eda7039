import { streamsAssignor } from '../assignment/streams-assignor.js'
import type { ClientFactory } from '../clients/types.js'
import { childLogger } from '../config/logger.js'
import { StreamThread, type StreamThreadDeps } from '../processing/stream-thread.js'

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
  thread = new StreamThread({ ...base, config: { ...base.config, logger }, consumer })
  return thread
}
