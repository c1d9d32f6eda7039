import { afterEach, describe, expect, it } from 'vitest'
import client, { Registry } from 'prom-client'
import { KafkaStreams } from '../../../lib/kafka-streams.js'
import { metricsRegistryOf, registerPrometheusMetrics, MissingOptionalDependencyError } from '../../../lib/metrics/index.js'
import { importOptional } from '../../../lib/metrics/optional-peer.js'
import { StreamsBuilder } from '../../../topology/dsl/streams-builder.js'

function app(): KafkaStreams {
  const b = new StreamsBuilder()
  b.stream('in').to('out')
  return new KafkaStreams(b.build(), { applicationId: 'metrics-prom', brokers: ['localhost:1'], stateDir: '/tmp/kstreams-metrics-prom' })
}

describe('prom-client collector', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanups.splice(0)) c()
  })

  it('registers counters, gauges and histograms in the given registry, read at each scrape', async () => {
    const a = app()
    const registry = new Registry()
    cleanups.push(await registerPrometheusMetrics(a, registry))
    const reg = metricsRegistryOf(a)!
    reg.counter('records_processed_total', 'x', { task_id: '0_0' }).inc(3)
    const h = reg.histogram('process_latency_seconds', 'x', { task_id: '0_0' })
    h.observe(0.00003)
    h.observe(0.00004)
    reg.gauge('consumer_lag', 'x', { topic: 'in', partition: '0' }).set(7)

    const text = await registry.metrics()
    expect(text).toContain('# TYPE kstreams_state gauge')
    expect(text).toContain('kstreams_state{state="CREATED"} 1')
    expect(text).toContain('kstreams_state{state="RUNNING"} 0')
    expect(text).toContain('# TYPE kstreams_records_processed_total counter')
    expect(text).toContain('kstreams_records_processed_total{task_id="0_0"} 3')
    expect(text).toContain('# TYPE kstreams_process_latency_seconds histogram')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_0",le="0.000025"} 0')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_0",le="0.00005"} 2')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_0",le="+Inf"} 2')
    expect(text).toContain('kstreams_process_latency_seconds_count{task_id="0_0"} 2')
    expect(text).toContain('kstreams_consumer_lag{topic="in",partition="0"} 7')
    expect(text).toContain('# TYPE kstreams_commit_latency_seconds histogram')
    // the per-batch summaries in ms stay in the text export only
    expect(text).not.toContain('process_latency_ms')

    reg.counter('records_processed_total', 'x', { task_id: '0_0' }).inc(2)
    expect(await registry.metrics()).toContain('kstreams_records_processed_total{task_id="0_0"} 5')
    const json = await registry.getMetricsAsJSON()
    expect(json.find(m => m.name === 'kstreams_consumer_lag')!.values).toEqual([{ value: 7, labels: { topic: 'in', partition: '0' } }])
  })

  it('unregisters on the returned function, and refuses a second registration of the same names', async () => {
    const registry = new Registry()
    const a = app()
    const stop = await registerPrometheusMetrics(a, registry)
    await expect(registerPrometheusMetrics(app(), registry)).rejects.toThrow(/kstreams_/)
    stop()
    expect(await registry.metrics()).not.toContain('kstreams_')
    cleanups.push(await registerPrometheusMetrics(a, registry, { prefix: 'wordcount_' }))
    expect(await registry.metrics()).toContain('wordcount_state{state="CREATED"} 1')
  })

  it("uses prom-client's default registry when none is given", async () => {
    cleanups.push(await registerPrometheusMetrics(app()))
    expect(await client.register.getSingleMetricAsString('kstreams_state')).toContain('kstreams_state{state="CREATED"} 1')
  })

  it('names what is wrong with its arguments', async () => {
    await expect(registerPrometheusMetrics(app(), {} as never)).rejects.toThrow(/prom-client Registry/)
    await expect(registerPrometheusMetrics({} as never, new Registry())).rejects.toThrow(/KafkaStreams instance/)
  })

  it('turns a missing optional peer into an error naming the package and how to install it', async () => {
    const err = await importOptional('kstreams-absent-peer', 'registerPrometheusMetrics', () => import('kstreams-absent-peer' as string))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MissingOptionalDependencyError)
    expect(err).toMatchObject({ dependency: 'kstreams-absent-peer', code: 'KSTREAMS_MISSING_OPTIONAL_DEPENDENCY' })
    expect((err as Error).message).toContain('npm install kstreams-absent-peer')
    // other failures pass through unchanged
    const boom = new Error('boom')
    await expect(importOptional('x', 'y', () => Promise.reject(boom))).rejects.toBe(boom)
  })
})
