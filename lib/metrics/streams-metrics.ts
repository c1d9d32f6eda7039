import type { StreamsState } from '../lifecycle/streams-state.js'
import type { Histogram } from './histogram.js'
import { MetricsRegistry, type Counter, type Gauge, type MetricValue, type Summary } from './registry.js'

/** Every metric family the runtime exposes: the exporters register these names up front. */
export const STREAMS_METRIC_FAMILIES = {
  records_processed_total: { type: 'counter', help: 'Records processed by a task' },
  process_latency_ms: { type: 'summary', help: 'Time to process one batch of records, per record (ms)' },
  process_latency_seconds: {
    type: 'histogram', help: 'Time to process one record (seconds): each record counts once, at its batch\'s mean time per record',
  },
  dropped_records_total: { type: 'counter', help: 'Records dropped: skipped by a handler (deserialization, processing) or by a processor (a null groupBy selection, an empty partition set, an out-of-order versioned update)' },
  punctuate_total: { type: 'counter', help: 'Punctuations run' },
  late_records_total: { type: 'counter', help: 'Records that arrived after their window closed' },
  commit_latency_ms: { type: 'summary', help: 'Time of one commit of all tasks (ms)' },
  commit_latency_seconds: { type: 'histogram', help: 'Time of one commit of all tasks (seconds)' },
  commit_total: { type: 'counter', help: 'Commits completed' },
  rebalances_total: { type: 'counter', help: 'Rebalances this instance took part in' },
  stalled_partitions: {
    type: 'gauge', help: 'Assigned input partitions with records to process whose position has not advanced for stalledPartitionWarningMs',
  },
  stalled_partitions_total: { type: 'counter', help: 'Times an assigned input partition was found stalled' },
  task_restarts_total: {
    type: 'counter', help: 'Tasks closed dirty and restarted from their last commit (fenced, transaction lost, commit outcome unknown, output not sent)',
  },
  restore_records_restored: { type: 'gauge', help: 'Records restored so far into a store' },
  restore_records_total: { type: 'gauge', help: 'Records to restore into a store (end offset - start offset)' },
  consumer_lag: { type: 'gauge', help: 'Records in the partition not yet consumed (high watermark - position)' },
  state: { type: 'gauge', help: 'Client state: 1 for the current state, 0 for the others' },
} as const satisfies Record<string, { type: MetricValue['type']; help: string }>

export type StreamsMetricName = keyof typeof STREAMS_METRIC_FAMILIES

const STATES: readonly StreamsState[] = ['CREATED', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING', 'PENDING_ERROR', 'ERROR']

const TASK_FAMILIES: readonly StreamsMetricName[] = [
  'records_processed_total', 'process_latency_ms', 'process_latency_seconds', 'dropped_records_total', 'punctuate_total', 'late_records_total',
]

function help(name: StreamsMetricName): string {
  return STREAMS_METRIC_FAMILIES[name].help
}

/** Each KafkaStreams instance's registry, for the adapters (which take the instance). */
const REGISTRIES = new WeakMap<object, MetricsRegistry>()

/** The registry of the StreamsMetrics created for `owner`, if any. */
export function metricsRegistryOf(owner: object): MetricsRegistry | undefined {
  return REGISTRIES.get(owner)
}

/** The runtime's named metrics (Kafka Streams names in snake case), created once per task or partition. */
export class StreamsMetrics {
  readonly registry = new MetricsRegistry()

  /** `owner` (the KafkaStreams instance) feeds the `state` gauge, read at each snapshot. */
  constructor(owner?: { readonly state: StreamsState }) {
    if (owner) {
      REGISTRIES.set(owner, this.registry)
      const gauges = STATES.map(s => [s, this.registry.gauge('state', help('state'), { state: s })] as const)
      this.registry.addCollector(() => {
        const current = owner.state
        for (const [s, g] of gauges) g.set(s === current ? 1 : 0)
      })
    }
  }

  taskMetrics(taskId: string): TaskMetrics {
    const t = { task_id: taskId }
    return {
      processed: this.registry.counter('records_processed_total', help('records_processed_total'), t),
      processLatency: this.registry.summary('process_latency_ms', help('process_latency_ms'), t),
      recordLatency: this.registry.histogram('process_latency_seconds', help('process_latency_seconds'), t),
      dropped: this.registry.counter('dropped_records_total', help('dropped_records_total'), t),
      punctuations: this.registry.counter('punctuate_total', help('punctuate_total'), t),
    }
  }

  removeTask(taskId: string): void {
    for (const name of TASK_FAMILIES) this.registry.remove(name, { task_id: taskId })
  }

  readonly commitLatency: Summary = this.registry.summary('commit_latency_ms', help('commit_latency_ms'))
  readonly commitLatencySeconds: Histogram = this.registry.histogram('commit_latency_seconds', help('commit_latency_seconds'))
  readonly commits: Counter = this.registry.counter('commit_total', help('commit_total'))
  readonly rebalances: Counter = this.registry.counter('rebalances_total', help('rebalances_total'))
  readonly stalledPartitions: Gauge = this.registry.gauge('stalled_partitions', help('stalled_partitions'))
  readonly stalledPartitionsDetected: Counter = this.registry.counter('stalled_partitions_total', help('stalled_partitions_total'))
  readonly taskRestarts: Counter = this.registry.counter('task_restarts_total', help('task_restarts_total'))

  restoreProgress(store: string, topic: string, partition: number): { restored: Gauge; total: Gauge } {
    const tags = { store, changelog: topic, partition: String(partition) }
    return {
      restored: this.registry.gauge('restore_records_restored', help('restore_records_restored'), tags),
      total: this.registry.gauge('restore_records_total', help('restore_records_total'), tags),
    }
  }

  consumerLag(topic: string, partition: number): Gauge {
    return this.registry.gauge('consumer_lag', help('consumer_lag'), { topic, partition: String(partition) })
  }

  lateRecords(taskId: string): Counter {
    return this.registry.counter('late_records_total', help('late_records_total'), { task_id: taskId })
  }
}

export interface TaskMetrics {
  processed: Counter
  /** Per batch, in ms (the text export's `process_latency_ms` summary). */
  processLatency: Summary
  /** In seconds, one observation per record at its batch's mean (a clock read per record would cost more than it tells). */
  recordLatency: Histogram
  dropped: Counter
  punctuations: Counter
}
