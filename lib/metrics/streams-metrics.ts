import { MetricsRegistry, type Counter, type Gauge, type Summary } from './registry.js'

/** The runtime's named metrics (Kafka Streams names in snake case), created once per task or partition. */
export class StreamsMetrics {
  readonly registry = new MetricsRegistry()

  taskMetrics(taskId: string): TaskMetrics {
    const t = { task_id: taskId }
    return {
      processed: this.registry.counter('records_processed_total', 'Records processed by a task', t),
      processLatency: this.registry.summary('process_latency_ms', 'Time to process one batch of records, per record (ms)', t),
      dropped: this.registry.counter('dropped_records_total', 'Records dropped (deserialization errors handled by continue)', t),
      punctuations: this.registry.counter('punctuate_total', 'Punctuations run', t),
    }
  }

  removeTask(taskId: string): void {
    for (const name of ['records_processed_total', 'process_latency_ms', 'dropped_records_total', 'punctuate_total', 'late_records_total']) {
      this.registry.remove(name, { task_id: taskId })
    }
  }

  readonly commitLatency: Summary = this.registry.summary('commit_latency_ms', 'Time of one commit of all tasks (ms)')
  readonly commits: Counter = this.registry.counter('commit_total', 'Commits completed')
  readonly rebalances: Counter = this.registry.counter('rebalances_total', 'Rebalances this instance took part in')
  readonly stalledPartitions: Gauge = this.registry.gauge(
    'stalled_partitions', 'Assigned input partitions with records to process whose position has not advanced for stalledPartitionWarningMs',
  )
  readonly stalledPartitionsDetected: Counter = this.registry.counter('stalled_partitions_total', 'Times an assigned input partition was found stalled')
  readonly taskRestarts: Counter = this.registry.counter('task_restarts_total', 'Tasks closed dirty and restarted from their last commit (fenced, transaction lost, commit outcome unknown)')

  restoreProgress(store: string, topic: string, partition: number): { restored: Gauge; total: Gauge } {
    const tags = { store, changelog: topic, partition: String(partition) }
    return {
      restored: this.registry.gauge('restore_records_restored', 'Records restored so far into a store', tags),
      total: this.registry.gauge('restore_records_total', 'Records to restore into a store (end offset - start offset)', tags),
    }
  }

  consumerLag(topic: string, partition: number): Gauge {
    return this.registry.gauge('consumer_lag', 'Records in the partition not yet consumed (high watermark - position)', {
      topic, partition: String(partition),
    })
  }

  lateRecords(taskId: string): Counter {
    return this.registry.counter('late_records_total', 'Records that arrived after their window closed', { task_id: taskId })
  }
}

export interface TaskMetrics {
  processed: Counter
  processLatency: Summary
  dropped: Counter
  punctuations: Counter
}
