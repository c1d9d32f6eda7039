import { LATENCY_BUCKETS_SECONDS, type Histogram } from './histogram.js'
import type { MetricsRegistry, MetricValue, MetricTags } from './registry.js'
import { metricsRegistryOf, STREAMS_METRIC_FAMILIES, type StreamsMetricName } from './streams-metrics.js'

/** Metric attributes (OpenTelemetry `Attributes`), string-valued: the metric's tags. */
export type OpenTelemetryAttributes = Record<string, string>

/** What kstreams passes when creating an instrument (OpenTelemetry `MetricOptions`). */
export interface OpenTelemetryInstrumentOptions {
  description?: string
  unit?: string
  advice?: { explicitBucketBoundaries?: number[] }
}

/**
 * The part of an OpenTelemetry `Meter` (`@opentelemetry/api` 1.x) used here, so kstreams' types
 * do not require the package: pass `metrics.getMeter('kstreams')`.
 */
export interface OpenTelemetryMeter {
  createHistogram(name: string, options?: OpenTelemetryInstrumentOptions): { record(value: number, attributes?: OpenTelemetryAttributes): void }
  createObservableCounter(name: string, options?: OpenTelemetryInstrumentOptions): object
  createObservableGauge(name: string, options?: OpenTelemetryInstrumentOptions): object
  addBatchObservableCallback(callback: (result: OpenTelemetryBatchResult) => void, observables: object[]): void
  removeBatchObservableCallback(callback: (result: OpenTelemetryBatchResult) => void, observables: object[]): void
}

export interface OpenTelemetryBatchResult {
  observe(observable: object, value: number, attributes?: OpenTelemetryAttributes): void
}

/** What the adapter reads: a KafkaStreams instance (its snapshot and its registry of histograms). */
export interface OpenTelemetryMetricsSource {
  metrics(): MetricValue[]
}

/** Where dropping `_total` would collide with a gauge of the same name. */
const RENAMED: Partial<Record<StreamsMetricName, string>> = { stalled_partitions_total: 'kstreams.stalled_partitions.detected' }

/** The snake-case family name as an OpenTelemetry instrument name: `kstreams.` prefix, no `_total`/`_seconds` suffix. */
export function openTelemetryName(family: StreamsMetricName): string {
  const renamed = RENAMED[family]
  if (renamed) return renamed
  const { type } = STREAMS_METRIC_FAMILIES[family]
  let n = family as string
  if (type === 'counter') n = n.replace(/_total$/, '')
  if (type === 'histogram') n = n.replace(/_seconds$/, '')
  return `kstreams.${n}`
}

const HISTOGRAM_UNITS: Partial<Record<StreamsMetricName, string>> = { process_latency_seconds: 's', commit_latency_seconds: 's' }

/**
 * Reports kstreams' metrics through an OpenTelemetry meter: counters and gauges as observable
 * instruments read from one snapshot per collection; latencies as histograms in seconds, recorded
 * as they happen (process latency once per record). Returns a function that stops reporting.
 */
export function registerOpenTelemetryMetrics(app: OpenTelemetryMetricsSource, meter: OpenTelemetryMeter): () => void {
  const registry = registryOf(app)
  if (typeof meter?.addBatchObservableCallback !== 'function' || typeof meter.createHistogram !== 'function') {
    throw new TypeError('registerOpenTelemetryMetrics: the meter must be an OpenTelemetry Meter (metrics.getMeter(name) from @opentelemetry/api)')
  }
  const observables = new Map<string, object>()
  const histograms = new Map<string, { record(value: number, attributes?: OpenTelemetryAttributes): void }>()
  for (const family of Object.keys(STREAMS_METRIC_FAMILIES) as StreamsMetricName[]) {
    const { type, help } = STREAMS_METRIC_FAMILIES[family]
    const name = openTelemetryName(family)
    if (type === 'counter') observables.set(family, meter.createObservableCounter(name, { description: help }))
    else if (type === 'gauge') observables.set(family, meter.createObservableGauge(name, { description: help }))
    else if (type === 'histogram') {
      histograms.set(family, meter.createHistogram(name, {
        description: help,
        unit: HISTOGRAM_UNITS[family] ?? 's',
        advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] },
      }))
    }
    // The per-batch summaries in ms stay in the text export only.
  }
  const callback = (result: OpenTelemetryBatchResult): void => {
    for (const m of app.metrics()) {
      const o = observables.get(m.name)
      if (o) result.observe(o, m.value, m.tags)
    }
  }
  const instruments = [...observables.values()]
  meter.addBatchObservableCallback(callback, instruments)
  const sinks: Histogram[] = []
  const stopListening = registry.onHistogram((name: string, tags: MetricTags, h: Histogram) => {
    const otel = histograms.get(name)
    if (!otel) return
    const attributes = { ...tags }
    h.sink = v => otel.record(v, attributes)
    sinks.push(h)
  })
  return () => {
    meter.removeBatchObservableCallback(callback, instruments)
    stopListening()
    for (const h of sinks) h.sink = null
  }
}

/** The registry behind a KafkaStreams instance (histograms are recorded as observed, not read from snapshots). */
function registryOf(app: OpenTelemetryMetricsSource): MetricsRegistry {
  const registry = app && typeof app === 'object' ? metricsRegistryOf(app) : undefined
  if (typeof app?.metrics !== 'function' || !registry) {
    throw new TypeError('registerOpenTelemetryMetrics: the first argument must be a KafkaStreams instance')
  }
  return registry
}
