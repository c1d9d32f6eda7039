import { Kafka, logLevel as KafkajsLogLevel, type KafkaConfig, type LogEntry } from 'kafkajs'
import type { Logger, ResolvedStreamsConfig } from '../../config/types.js'
import { KafkajsAdminClient } from './admin.js'
import { KafkajsGroupConsumer, type GroupConsumerOptions } from './group-consumer.js'
import { KafkajsPartitionReader } from './partition-reader.js'
import { KafkajsRecordProducer, type ProducerOptions } from './producer.js'
import { fixKafkajsReadCommitted } from './aborted-filter.js'
import './errors.js'

export { KafkajsAdminClient, KafkajsGroupConsumer, KafkajsPartitionReader, KafkajsRecordProducer }
export type { GroupConsumerHandlers, GroupConsumerOptions } from './group-consumer.js'

/** Routes kafkajs logs to the application's logger (kafkajs's own level filter still applies). */
function logCreatorFor(logger: Logger) {
  return () => ({ level, log }: LogEntry) => {
    const { message, ...extra } = log
    const text = `kafkajs: ${message}`
    if (level <= KafkajsLogLevel.ERROR) logger.error(text, extra)
    else if (level === KafkajsLogLevel.WARN) logger.warn(text, extra)
    else if (level === KafkajsLogLevel.INFO) logger.info(text, extra)
    else logger.debug(text, extra)
  }
}

/** Creates every client the runtime needs from one kafkajs instance. */
export class KafkajsClients {
  readonly kafka: Kafka

  constructor(config: Pick<ResolvedStreamsConfig, 'brokers' | 'kafka' | 'logger' | 'applicationId'>) {
    const options: KafkaConfig = {
      clientId: config.applicationId,
      logLevel: KafkajsLogLevel.WARN,
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

  groupConsumer(opts: GroupConsumerOptions): KafkajsGroupConsumer {
    return new KafkajsGroupConsumer(this.kafka, opts)
  }

  partitionReader(): KafkajsPartitionReader {
    return new KafkajsPartitionReader(this.kafka)
  }
}
