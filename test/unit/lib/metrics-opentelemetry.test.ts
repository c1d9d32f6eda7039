import { describe, expect, it } from 'vitest'
import { metrics } from '@opentelemetry/api'
import { KafkaStreams } from '../../../lib/kafka-streams.js'
import { LATENCY_BUCKETS_SECONDS, metricsRegistryOf, registerOpenTelemetryMetrics, STREAMS_METRIC_FAMILIES } from '../../../lib/metrics/index.js'
import { StreamsBuilder } from '../../../topology/dsl/streams-builder.js'
import { RecordingMeter } from './recording-meter.js'

function app(): KafkaStreams {
  const b = new StreamsBuilder()
  b.stream('in').to('out')
  return new KafkaStreams(b.build(), { applicationId: 'metrics-otel', brokers: ['localhost:1'], stateDir: '/tmp/kstreams-metrics-otel' })
}

describe('OpenTelemetry meter adapter', () => {
  it('creates observable counters and gauges read from one snapshot, and histograms in seconds', async () => {
    const a = app()
    const meter = new RecordingMeter()
    const stop = registerOpenTelemetryMetrics(a, meter)
    expect(meter.instruments.get('kstreams.records_processed')!.kind).toBe('counter')
    expect(meter.instruments.get('kstreams.consumer_lag')!.kind).toBe('gauge')
    expect(meter.instruments.get('kstreams.state')!.kind).toBe('gauge')
    expect(meter.instruments.get('kstreams.process_latency')).toMatchObject({
      kind: 'histogram', options: { unit: 's', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] } },
    })
    expect(meter.instruments.has('kstreams.commit_latency')).toBe(true)
    expect([...meter.instruments.keys()].some(n => n.endsWith('_ms'))).toBe(false)
    // one instrument per family: the stalled-partition counter does not collide with the gauge
    expect(meter.instruments.size).toBe(Object.values(STREAMS_METRIC_FAMILIES).filter(f => f.type !== 'summary').length)
    expect(meter.instruments.get('kstreams.stalled_partitions')!.kind).toBe('gauge')
    expect(meter.instruments.get('kstreams.stalled_partitions.detected')!.kind).toBe('counter')

    const reg = metricsRegistryOf(a)!
    reg.counter('records_processed_total', 'x', { task_id: '0_2' }).inc(4)
    reg.gauge('consumer_lag', 'x', { topic: 'in', partition: '2' }).set(9)
    const seen = await meter.collect()
    expect(seen.get('kstreams.records_processed')).toEqual([[{ task_id: '0_2' }, 4]])
    expect(seen.get('kstreams.consumer_lag')).toEqual([[{ topic: 'in', partition: '2' }, 9]])
    expect(seen.get('kstreams.state')).toContainEqual([{ state: 'CREATED' }, 1])
    expect(seen.get('kstreams.state')).toContainEqual([{ state: 'RUNNING' }, 0])

    // histograms: every observation is recorded, for series created before and after registering
    reg.histogram('commit_latency_seconds', 'x').observe(0.02)
    reg.histogram('process_latency_seconds', 'x', { task_id: '0_2' }).observe(0.00001)
    reg.histogram('process_latency_seconds', 'x', { task_id: '0_2' }).observe(0.00002)
    expect(meter.recorded).toEqual([
      { name: 'kstreams.commit_latency', value: 0.02, attributes: {} },
      { name: 'kstreams.process_latency', value: 0.00001, attributes: { task_id: '0_2' } },
      { name: 'kstreams.process_latency', value: 0.00002, attributes: { task_id: '0_2' } },
    ])

    stop()
    reg.histogram('process_latency_seconds', 'x', { task_id: '0_2' }).observe(0.5)
    expect(meter.recorded).toHaveLength(3)
    expect(meter.batchCallbacks).toHaveLength(0)
  })

  it("takes the API's own Meter (here the no-op one) and names bad arguments", () => {
    const a = app()
    registerOpenTelemetryMetrics(a, metrics.getMeter('kstreams-test'))()
    expect(() => registerOpenTelemetryMetrics(a, {} as never)).toThrow(/OpenTelemetry Meter/)
    expect(() => registerOpenTelemetryMetrics({ metrics: () => [] }, new RecordingMeter())).toThrow(/KafkaStreams instance/)
  })
})
