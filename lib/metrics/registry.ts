import { Histogram } from './histogram.js'

/**
 * A small metrics registry: counters, gauges, latency summaries and histograms with tags, readable
 * as a snapshot (`KafkaStreams.metrics()`), as Prometheus text, or through the prom-client and
 * OpenTelemetry adapters, without kstreams depending on either.
 */

/** A metric's tags (Prometheus labels, OpenTelemetry attributes): name → value. */
export type MetricTags = Record<string, string>

export interface MetricValue {
  name: string
  description: string
  type: 'counter' | 'gauge' | 'summary' | 'histogram'
  tags: MetricTags
  /** Summaries and histograms: the mean. */
  value: number
  /** summaries and histograms */
  count?: number
  sum?: number
  /** summaries only */
  max?: number
  /** histograms only: cumulative counts per upper bound (`le`), `Infinity` last */
  buckets?: { le: number; count: number }[]
}

type AnyMetric = Counter | Gauge | Summary | Histogram

function tagKey(tags: MetricTags): string {
  const keys = Object.keys(tags).sort()
  let s = ''
  for (const k of keys) s += `${k}=${tags[k]},`
  return s
}

export class Counter {
  value = 0
  inc(n = 1): void {
    this.value += n
  }
}

export class Gauge {
  constructor(public value = 0) {}
  set(v: number): void {
    this.value = v
  }
}

/** Count, sum and max of observed values (e.g. latencies in ms); `value` is the mean. */
export class Summary {
  count = 0
  sum = 0
  max = 0
  observe(v: number): void {
    this.count++
    this.sum += v
    if (v > this.max) this.max = v
  }
}

interface Family<T> {
  description: string
  type: MetricValue['type']
  series: Map<string, { tags: MetricTags; metric: T }>
}

/** Called for every histogram series, existing and new (the OpenTelemetry adapter records through it). */
export type HistogramListener = (name: string, tags: MetricTags, histogram: Histogram) => void

export class MetricsRegistry {
  private readonly families = new Map<string, Family<AnyMetric>>()
  /** Run before each snapshot to refresh gauges computed from elsewhere (the client state). */
  private readonly collectors: (() => void)[] = []
  private readonly histogramListeners: HistogramListener[] = []

  private get<T extends AnyMetric>(
    name: string, description: string, type: MetricValue['type'], tags: MetricTags, make: () => T,
  ): T {
    let fam = this.families.get(name)
    if (!fam) {
      fam = { description, type, series: new Map() }
      this.families.set(name, fam)
    } else if (fam.type !== type) {
      throw new Error(`Metric "${name}" is a ${fam.type}, not a ${type}`)
    }
    const key = tagKey(tags)
    let s = fam.series.get(key)
    if (!s) {
      s = { tags: { ...tags }, metric: make() }
      fam.series.set(key, s)
      if (s.metric instanceof Histogram) for (const l of this.histogramListeners) l(name, s.tags, s.metric)
    }
    return s.metric as T
  }

  counter(name: string, description: string, tags: MetricTags = {}): Counter {
    return this.get(name, description, 'counter', tags, () => new Counter())
  }

  gauge(name: string, description: string, tags: MetricTags = {}): Gauge {
    return this.get(name, description, 'gauge', tags, () => new Gauge())
  }

  summary(name: string, description: string, tags: MetricTags = {}): Summary {
    return this.get(name, description, 'summary', tags, () => new Summary())
  }

  /** Latencies in seconds, in fixed buckets (see histogram.ts). */
  histogram(name: string, description: string, tags: MetricTags = {}): Histogram {
    return this.get(name, description, 'histogram', tags, () => new Histogram())
  }

  addCollector(refresh: () => void): void {
    this.collectors.push(refresh)
  }

  /** Calls `listener` for every histogram series now and for each one created later; returns its removal. */
  onHistogram(listener: HistogramListener): () => void {
    for (const [name, fam] of this.families) {
      if (fam.type !== 'histogram') continue
      for (const { tags, metric } of fam.series.values()) listener(name, tags, metric as Histogram)
    }
    this.histogramListeners.push(listener)
    return () => {
      const i = this.histogramListeners.indexOf(listener)
      if (i >= 0) this.histogramListeners.splice(i, 1)
    }
  }

  /** Drops every series of `name` whose tags include `match` (a closed task's metrics). */
  remove(name: string, match: MetricTags): void {
    const fam = this.families.get(name)
    if (!fam) return
    for (const [k, s] of fam.series) {
      if (Object.entries(match).every(([mk, mv]) => s.tags[mk] === mv)) fam.series.delete(k)
    }
  }

  snapshot(): MetricValue[] {
    for (const refresh of this.collectors) refresh()
    const out: MetricValue[] = []
    for (const [name, fam] of this.families) {
      for (const { tags, metric } of fam.series.values()) {
        if (metric instanceof Histogram) {
          out.push({
            name, description: fam.description, type: fam.type, tags: { ...tags },
            value: metric.count === 0 ? 0 : metric.sum / metric.count,
            count: metric.count, sum: metric.sum, buckets: metric.cumulative(),
          })
        } else if (metric instanceof Summary) {
          out.push({
            name, description: fam.description, type: fam.type, tags: { ...tags },
            value: metric.count === 0 ? 0 : metric.sum / metric.count,
            count: metric.count, sum: metric.sum, max: metric.max,
          })
        } else {
          out.push({ name, description: fam.description, type: fam.type, tags: { ...tags }, value: metric.value })
        }
      }
    }
    return out
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function labels(tags: MetricTags): string {
  const entries = Object.entries(tags)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
}

/** Prometheus text exposition format (version 0.0.4) of a snapshot. */
export function toPrometheusText(metrics: readonly MetricValue[], prefix = 'kstreams_'): string {
  const byName = new Map<string, MetricValue[]>()
  for (const m of metrics) {
    if (!byName.has(m.name)) byName.set(m.name, [])
    byName.get(m.name)!.push(m)
  }
  const lines: string[] = []
  for (const [name, series] of byName) {
    const full = prefix + name.replace(/[^a-zA-Z0-9_]/g, '_')
    const first = series[0]!
    lines.push(`# HELP ${full} ${first.description}`)
    lines.push(`# TYPE ${full} ${first.type}`)
    for (const s of series) {
      if (s.type === 'histogram') {
        for (const b of s.buckets ?? []) {
          lines.push(`${full}_bucket${labels({ ...s.tags, le: b.le === Infinity ? '+Inf' : String(b.le) })} ${b.count}`)
        }
        lines.push(`${full}_sum${labels(s.tags)} ${s.sum}`)
        lines.push(`${full}_count${labels(s.tags)} ${s.count}`)
      } else if (s.type === 'summary') {
        lines.push(`${full}_sum${labels(s.tags)} ${s.sum}`)
        lines.push(`${full}_count${labels(s.tags)} ${s.count}`)
      } else {
        lines.push(`${full}${labels(s.tags)} ${s.value}`)
      }
    }
  }
  return lines.join('\n') + '\n'
}
