/**
 * The runtime's record collector is the topology's RecordCollectorImpl (shared with the test
 * driver): constructed with the task's producer and the production error router.
 */
export { RecordCollectorImpl as RuntimeRecordCollector } from '../../topology/internals/record-collector.js'
