import { Kafka, logLevel as KafkajsLogLevel, type KafkaConfig, type LogEntry } from 'kafkajs'
import type { Logger, LogLevel, ResolvedStreamsConfig } from '../../config/types.js'
import type { ClientFactory } from '../types.js'
import { KafkajsAdminClient } from './admin.js'
import { KafkajsGroupConsumer, type KafkajsGroupConsumerOptions } from './group-consumer.js'
import { KafkajsPartitionReader } from './partition-reader.js'
import { KafkajsRecordProducer, type ProducerOptions } from './producer.js'
import { fixKafkajsReadCommitted } from './aborted-filter.js'
import './errors.js'

export { KafkajsAdminClient, KafkajsGroupConsumer, KafkajsPartitionReader, KafkajsRecordProducer }
export type { KafkajsGroupConsumerOptions } from './group-consumer.js'

/** Routes kafkajs logs to the application's logger, fields first (kafkajs's own level filter still applies). */
function logCreatorFor(logger: Logger) {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _source, ...extra } = log
    const fields = namespace ? { namespace, ...extra } : extra
    const text = `kafkajs: ${message}`
    if (level <= KafkajsLogLevel.ERROR) logger.error(fields, text)
    else if (level === KafkajsLogLevel.WARN) logger.warn(fields, text)
    else if (level === KafkajsLogLevel.INFO) logger.info(fields, text)
    else logger.debug(fields, text)
  }
}

/** kafkajs's level for a kstreams logLevel; its DEBUG (every request) only when asked for by kafka.logLevel. */
const KAFKAJS_LEVEL: Record<LogLevel, KafkajsLogLevel> = {
  debug: KafkajsLogLevel.INFO,
  info: KafkajsLogLevel.INFO,
  warn: KafkajsLogLevel.WARN,
  error: KafkajsLogLevel.ERROR,
  silent: KafkajsLogLevel.NOTHING,
}

/** Creates every client the runtime needs from one kafkajs instance. */
export class KafkajsClients implements ClientFactory {
  readonly kafka: Kafka
  /** kafkajs sends TxnOffsetCommit without generation and member id (no KIP-447). */
  readonly groupMetadataInTransactions = false

  constructor(config: Pick<ResolvedStreamsConfig, 'brokers' | 'kafka' | 'logger' | 'applicationId'> & { logLevel?: LogLevel }) {
    const options: KafkaConfig = {
      clientId: config.applicationId,
      logLevel: KAFKAJS_LEVEL[config.logLevel ?? 'warn'],
      logCreator: logCreatorFor(config.logger),
      ...config.kafka,
      brokers: config.brokers,
    }
    // Only the runtime's own instance is fixed: other kafkajs users in the process are left alone.
    this.kafka = fixKafkajsReadCommitted(new Kafka(options))
  }

  admin(): KafkajsAdminClient {
    return new KafkajsAdminClient(this.kafka)
  }

  producer(opts?: ProducerOptions): KafkajsRecordProducer {
    return new KafkajsRecordProducer(this.kafka, opts)
  }

  groupConsumer(opts: KafkajsGroupConsumerOptions): KafkajsGroupConsumer {
    return new KafkajsGroupConsumer(this.kafka, opts)
  }

  partitionReader(): KafkajsPartitionReader {
    return new KafkajsPartitionReader(this.kafka)
  }
}
