import type { MetricValue } from './registry.js'
import { STREAMS_METRIC_FAMILIES, type StreamsMetricName } from './streams-metrics.js'
import { importOptional } from './optional-peer.js'

/** What the adapters read: a KafkaStreams instance (or anything with its `metrics()`). */
export interface MetricsSource {
  metrics(): MetricValue[]
}

/** The part of a prom-client `Registry` used here (prom-client 13 to 15). */
export interface PrometheusRegistry {
  registerMetric(metric: never): void
  removeSingleMetric(name: string): void
}

export interface PrometheusMetricsOptions {
  /** Prepended to every name; default `kstreams_`, as in the text export. */
  prefix?: string
}

interface PromValue {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}

/** The per-batch summaries in ms stay in the text export; prom-client gets the histograms in seconds. */
const EXPORTED = (Object.keys(STREAMS_METRIC_FAMILIES) as StreamsMetricName[]).filter(n => STREAMS_METRIC_FAMILIES[n].type !== 'summary')

function values(name: string, series: readonly MetricValue[]): PromValue[] {
  const out: PromValue[] = []
  for (const s of series) {
    if (s.type !== 'histogram') {
      out.push({ value: s.value, labels: s.tags })
      continue
    }
    for (const b of s.buckets ?? []) {
      out.push({ metricName: `${name}_bucket`, value: b.count, labels: { ...s.tags, le: b.le === Infinity ? '+Inf' : b.le } })
    }
    out.push({ metricName: `${name}_sum`, value: s.sum ?? 0, labels: s.tags })
    out.push({ metricName: `${name}_count`, value: s.count ?? 0, labels: s.tags })
  }
  return out
}

/**
 * Registers kstreams' metrics in a prom-client registry (the default `register` when none is
 * given): counters, gauges (`state`, `consumer_lag`, …) and histograms in seconds, read from
 * `app.metrics()` at each scrape. prom-client is an optional peer dependency, imported only when
 * no registry is passed. Returns a function that unregisters them.
 */
export async function registerPrometheusMetrics(
  app: MetricsSource, registry?: PrometheusRegistry, options: PrometheusMetricsOptions = {},
): Promise<() => void> {
  if (typeof app?.metrics !== 'function') throw new TypeError('registerPrometheusMetrics: the first argument must be a KafkaStreams instance')
  const target = registry ?? await defaultRegistry()
  if (typeof target?.registerMetric !== 'function' || typeof target.removeSingleMetric !== 'function') {
    throw new TypeError('registerPrometheusMetrics: the registry must be a prom-client Registry (e.g. `import { register } from \'prom-client\'`)')
  }
  const prefix = options.prefix ?? 'kstreams_'
  // A scrape reads every family in the same tick: take one snapshot for all of them.
  let cached: MetricValue[] | null = null
  const snapshot = (): MetricValue[] => {
    if (cached === null) {
      cached = app.metrics()
      queueMicrotask(() => {
        cached = null
      })
    }
    return cached
  }
  const names: string[] = []
  for (const family of EXPORTED) {
    const { type, help } = STREAMS_METRIC_FAMILIES[family]
    const name = prefix + family
    const get = () => ({ name, help, type, aggregator: 'sum', values: values(name, snapshot().filter(m => m.name === family)) })
    target.registerMetric({ name, help, type, aggregator: 'sum', get: async () => get(), reset: () => {} } as never)
    names.push(name)
  }
  return () => {
    for (const n of names) target.removeSingleMetric(n)
  }
}

async function defaultRegistry(): Promise<PrometheusRegistry> {
  const mod = await importOptional('prom-client', 'registerPrometheusMetrics without a registry', () => import('prom-client'))
  const m = mod as unknown as { register?: PrometheusRegistry; default?: { register?: PrometheusRegistry } }
  return (m.register ?? m.default?.register)!
}
