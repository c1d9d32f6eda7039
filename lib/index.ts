// The public entry of kstreams: the runtime, plus the public API of the topology and store layers.
// Exactly the public API: api/kstreams.api.md records it and `npm run api:check` keeps it so.
export * from '../topology/index.js'
export * from '../stores/index.js'
export { KafkaStreams, type KafkaStreamsEvents, type StoreQueryOptions, type CloseOptions } from './kafka-streams.js'
export type { CloseOnSignalsOptions } from './lifecycle/signals.js'
export { BrokersUnreachableError } from './lifecycle/broker-check.js'
export { startProbeServer, type ProbeServer, type ProbeServerOptions, type ProbedApp } from './probes/index.js'
export type { StreamsState } from './lifecycle/streams-state.js'
export {
  StreamsConfigError,
  consoleLogger,
  winstonLogger,
  redactConfig,
  type WinstonLikeLogger,
  type LogLevel,
  type LogFn,
  type LogFields,
  type StreamsConfig,
  type ResolvedStreamsConfig,
  type KafkaClientOptions,
  type KafkaClientChoice,
  type ProcessingGuarantee,
  type Logger,
  type DeserializationExceptionHandler,
  type DeserializationErrorContext,
  type ProductionExceptionHandler,
  type ProductionErrorContext,
  type UncaughtExceptionHandler,
  type UncaughtExceptionResponse,
  type HandlerResponse,
} from './config/index.js'
export { MissingSourceTopicsError, CopartitioningError, InternalTopicMismatchError } from './topics/errors.js'
export { toPrometheusText, type MetricValue, type MetricTags } from './metrics/registry.js'
export { registerPrometheusMetrics, type MetricsSource, type PrometheusRegistry, type PrometheusMetricsOptions } from './metrics/prometheus.js'
export {
  registerOpenTelemetryMetrics,
  type OpenTelemetryMeter,
  type OpenTelemetryBatchResult,
  type OpenTelemetryMetricsSource,
  type OpenTelemetryAttributes,
  type OpenTelemetryInstrumentOptions,
} from './metrics/opentelemetry.js'
export { LATENCY_BUCKETS_SECONDS } from './metrics/histogram.js'
export {
  TRACE_CHANNELS,
  type ProduceTraceContext,
  type FetchTraceMessage,
  type CommitTraceContext,
  type RebalanceTraceContext,
} from './tracing/index.js'
export type { TopicPartition, TopicPartitionOffset } from './clients/types.js'
export type { KeyQueryMetadata, HostInfo } from './query/key-query-metadata.js'
export { resetApplication, UnknownApplicationError, type ResetOptions, type ResetReport } from './tools/reset-application.js'
