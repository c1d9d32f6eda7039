export { EmbeddedKafka, type EmbeddedKafkaOptions } from './embedded-kafka.js'
export { EmbeddedSchemaRegistry, type EmbeddedSchemaRegistryOptions } from './registry/index.js'
export type { Faults } from './server/faults.js'
