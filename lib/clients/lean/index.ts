import type { ConnectionOptions } from 'node:tls'
import type { Logger } from '../../config/types.js'
import type { ClientFactory, GroupConsumerOptions, ProducerOptions } from '../types.js'
import { LeanAdminClient } from './admin.js'
import { Cluster, type ClusterOptions } from './cluster/cluster.js'
import { LeanPartitionReader } from './consumer/partition-reader.js'
import { LeanGroupConsumer } from './group/group-consumer.js'
import type { SaslOptions } from './net/options.js'
import { LeanRecordProducer } from './producer/producer.js'
import './errors.js'

export { LeanAdminClient, LeanGroupConsumer, LeanPartitionReader, LeanRecordProducer }
export { KafkaResponseError, BrokerNetworkError, CorruptResponseError, LeanClientStateError } from './errors.js'
export type { SaslOptions } from './net/options.js'

/** What the lean client needs to reach a cluster (the same settings kafkajs takes, by kstreams' names). */
export interface LeanClientsOptions {
  brokers: string[]
  /** Sent with every request; defaults to 'kstreams'. */
  clientId?: string
  /** TLS through node:tls: true for the defaults, or tls.connect options (ca, cert, key, servername...). */
  ssl?: boolean | ConnectionOptions
  /** SASL PLAIN or SCRAM-SHA-256/512. */
  sasl?: SaslOptions
  /** How long a request waits for its answer (a fetch adds its max wait). Default 30000. */
  requestTimeoutMs?: number
  /** How long opening a connection may take (TCP, TLS, ApiVersions, SASL). Default 10000. */
  connectionTimeoutMs?: number
  /** Kafka's metadata.max.age.ms. Default 300000. */
  metadataMaxAgeMs?: number
  /** How long produced records wait for more to join their batch. Default 0 (the next event loop turn). */
  lingerMs?: number
  logger?: Logger
}

/**
 * Creates every client the runtime needs on kstreams' own Kafka client. Each client has its own
 * connections, as with kafkajs.
 */
export class LeanClients implements ClientFactory {
  /** TxnOffsetCommit v3+ carries the member's generation and id (KIP-447). */
  readonly groupMetadataInTransactions = true

  constructor(readonly options: LeanClientsOptions) {
    if (options.brokers.length === 0) throw new Error('LeanClients: no brokers given')
  }

  private cluster(): Cluster {
    const o = this.options
    const cluster: ClusterOptions = o.metadataMaxAgeMs !== undefined ? { metadataMaxAgeMs: o.metadataMaxAgeMs } : {}
    return new Cluster(o.brokers, {
      clientId: o.clientId ?? 'kstreams',
      ssl: o.ssl,
      sasl: o.sasl,
      requestTimeoutMs: o.requestTimeoutMs,
      connectionTimeoutMs: o.connectionTimeoutMs,
      logger: o.logger,
    }, cluster)
  }

  admin(): LeanAdminClient {
    return new LeanAdminClient(this.cluster())
  }

  producer(opts?: ProducerOptions): LeanRecordProducer {
    return new LeanRecordProducer(this.cluster(), { ...opts, lingerMs: this.options.lingerMs, requestTimeoutMs: this.options.requestTimeoutMs })
  }

  groupConsumer(opts: GroupConsumerOptions): LeanGroupConsumer {
    return new LeanGroupConsumer(this.cluster(), opts, this.options.logger)
  }

  partitionReader(): LeanPartitionReader {
    return new LeanPartitionReader(this.cluster())
  }
}
