/**
 * `kstreams/kafkajs`: for applications that read exactly-once output with their own kafkajs
 * consumers. kafkajs 2.2.x can deliver records of aborted transactions to read_committed readers
 * when transactions interleave (docs/exactly-once.md, "Reading exactly-once output"); these fix
 * that, per `Kafka` instance or for the whole process. kstreams applies neither to code that does
 * not ask for it.
 */
export { fixKafkajsReadCommitted, installKafkajsReadCommittedFix } from './clients/kafkajs/aborted-filter.js'
