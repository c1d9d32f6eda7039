// The public API of the topology layer (re-exported by lib/index.ts). Internals (the task
// executor, node definitions, the graph builder) are imported from their own files.
export { KeyValue, ValueAndTimestamp } from '../stores/key-value.js'
export type { Windowed } from '../stores/key-value.js'
export * from './serdes/index.js'
export * from './options/index.js'
export type { Processor, ProcessorContext, ProcessorSupplier, Punctuator, PunctuationType, Cancellable } from './processor/processor.js'
export type { Record, Headers } from './processor/record.js'
export { FixedKeyRecord, type FixedKeyProcessor, type FixedKeyProcessorContext, type FixedKeyProcessorSupplier } from './processor/fixed-key.js'
export { Topology, type SourceNodeOptions, type SinkNodeOptions } from './topology.js'
export type { TopologyDescription, SubtopologyDescription, GlobalStoreDescription, NodeDescription } from './internals/topology-description.js'
export type { TopicNameExtractor } from './internals/node-defs.js'
export { TopologyError } from './internals/topology-error.js'
export { StreamsBuilder } from './dsl/streams-builder.js'
export { KStream, type NonNull } from './dsl/kstream.js'
export { KTable } from './dsl/ktable.js'
export { KGroupedStream } from './dsl/kgrouped-stream.js'
export { CogroupedKStream } from './dsl/cogrouped-kstream.js'
export { TimeWindowedCogroupedKStream } from './windows/time-windowed-cogrouped-kstream.js'
export { SessionWindowedCogroupedKStream } from './windows/session-windowed-cogrouped-kstream.js'
export { KGroupedTable } from './dsl/kgrouped-table.js'
export { GlobalKTable } from './dsl/global-ktable.js'
export { BranchedKStream } from './dsl/branched-kstream.js'
// TopologyTestDriverOptions.deserializationHandler takes this handler, which is given the raw record.
export type { RawRecord, DeserializationHandler, DeserializationHandlerResponse } from './internals/task-types.js'
export { TopologyTestDriver, type TopologyTestDriverOptions } from './test-driver/topology-test-driver.js'
export type { TestDriverMetric } from './test-driver/driver-metrics.js'
export {
  FailedProcessingError,
  type ProcessingExceptionHandler,
  type ProcessingErrorContext,
  type ProcessingHandlerResponse,
} from './internals/processing-errors.js'
export { TestInputTopic, type InputTopicOptions } from './test-driver/test-input-topic.js'
export { TestOutputTopic } from './test-driver/test-output-topic.js'
export type { TestRecord, CapturedRecord } from './test-driver/captured-record.js'
// What the driver's store getters return.
export type { KeyValueStoreFacade } from './test-driver/key-value-store-facade.js'
export type { WindowStoreFacade } from './test-driver/window-store-facade.js'
export type { SessionStoreFacade } from './test-driver/session-store-facade.js'
export { EventTimers, timerStoreBuilder, type TimerCallback } from './processor/event-timers.js'
export type { AsyncMapValuesOptions } from './dsl/processors/async-map-values.js'
// approximateCountDistinct's item mapper.
export type { DistinctItemMapper } from './sketches/distinct-item.js'
export * from './windows/index.js'
export * from './joins/index.js'
export * from './suppress/index.js'
export * from './describe/index.js'
