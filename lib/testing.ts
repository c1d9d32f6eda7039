/**
 * `kstreams/testing`: test a topology without a broker. The same classes stay exported from
 * `kstreams` for applications that already import them from there.
 */
export { TopologyTestDriver, type TopologyTestDriverOptions } from '../topology/test-driver/topology-test-driver.js'
export { TestInputTopic, type InputTopicOptions } from '../topology/test-driver/test-input-topic.js'
export { TestOutputTopic } from '../topology/test-driver/test-output-topic.js'
export type { TestRecord, CapturedRecord } from '../topology/test-driver/captured-record.js'
export type { TestDriverMetric } from '../topology/test-driver/driver-metrics.js'
