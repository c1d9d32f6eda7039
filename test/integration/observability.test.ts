import dc from 'node:diagnostics_channel'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Registry } from 'prom-client'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { registerOpenTelemetryMetrics, registerPrometheusMetrics } from '../../lib/metrics/index.js'
import {
  TRACE_CHANNELS, type CommitTraceContext, type FetchTraceMessage, type ProduceTraceContext, type RebalanceTraceContext,
} from '../../lib/tracing/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { RecordingMeter } from '../unit/lib/recording-meter.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const RECORDS = 60

function upper(input: string, output: string) {
  const b = new StreamsBuilder()
  b.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .mapValues(v => v!.toUpperCase())
    .to(output, Produced.with(Serdes.String(), Serdes.String()))
  return b.build()
}

/** Everything published on the four channels while subscribed. */
function recordTraces() {
  const seen = {
    fetch: [] as FetchTraceMessage[],
    produce: [] as { phase: string; ctx: ProduceTraceContext }[],
    commit: [] as { phase: string; ctx: CommitTraceContext }[],
    rebalance: [] as { phase: string; ctx: RebalanceTraceContext }[],
  }
  const onFetch = (m: unknown) => seen.fetch.push(m as FetchTraceMessage)
  dc.subscribe(TRACE_CHANNELS.fetch, onFetch)
  const handlers = (['produce', 'commit', 'rebalance'] as const).map(name => {
    const push = (phase: string) => (ctx: unknown) => (seen[name] as { phase: string; ctx: unknown }[]).push({ phase, ctx })
    const h = { start: push('start'), end: push('end'), asyncStart: push('asyncStart'), asyncEnd: push('asyncEnd'), error: push('error') }
    dc.tracingChannel(TRACE_CHANNELS[name]).subscribe(h)
    return [name, h] as const
  })
  return {
    seen,
    stop() {
      dc.unsubscribe(TRACE_CHANNELS.fetch, onFetch)
      for (const [name, h] of handlers) dc.tracingChannel(TRACE_CHANNELS[name]).unsubscribe(h)
    },
  }
}

describe('metrics and traces of a running application', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`exports per-record latency, state and lag, and traces produce, fetch, commit and rebalance (${guarantee})`, async () => {
      const input = uniqueName('obs-in')
      const output = uniqueName('obs-out')
      await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
      const state = await tempDir('kstreams-obs')
      const applicationId = uniqueName('obs-app')
      const app = new KafkaStreams(upper(input, output), { ...testClient(),
        applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100, processingGuarantee: guarantee,
      })
      const registry = new Registry()
      await registerPrometheusMetrics(app, registry)
      const meter = new RecordingMeter()
      const stopOtel = registerOpenTelemetryMetrics(app, meter)
      const traces = recordTraces()
      try {
        await app.start()
        await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
        await produce(cluster.kafka, input, Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: `v${i}` })))
        const out = await consumeUntil(cluster.kafka, output, rs => rs.length >= RECORDS)
        expect(out).toHaveLength(RECORDS)
        const inputCommitted = () => {
          const byPartition = new Map<number, number>()
          for (const c of traces.seen.commit) {
            if (c.phase !== 'asyncEnd') continue
            for (const o of c.ctx.offsets) if (o.topic === input) byPartition.set(o.partition, Math.max(o.offset, byPartition.get(o.partition) ?? 0))
          }
          return [...byPartition.values()].reduce((n, o) => n + o, 0)
        }
        // the committed offsets of both partitions add up to every record (offsets start at 0)
        await waitFor(() => inputCommitted() >= RECORDS, 20_000, 'input offsets committed')

        // prom-client: one observation per record, not per batch
        const json = await registry.getMetricsAsJSON()
        const values = (name: string) => json.find(m => m.name === name)!.values as { value: number; labels: Record<string, string | number>; metricName?: string }[]
        const count = values('kstreams_process_latency_seconds').filter(v => v.metricName === 'kstreams_process_latency_seconds_count')
        expect(count.reduce((n, v) => n + v.value, 0)).toBe(RECORDS)
        expect(values('kstreams_records_processed_total').reduce((n, v) => n + v.value, 0)).toBe(RECORDS)
        expect(values('kstreams_state')).toContainEqual({ value: 1, labels: { state: 'RUNNING' } })
        expect(values('kstreams_state').filter(v => v.value === 1)).toHaveLength(1)
        const lag = values('kstreams_consumer_lag').filter(v => v.labels.topic === input)
        expect(lag.map(v => v.labels.partition).sort()).toEqual(['0', '1'])
        expect(lag.every(v => v.value === 0)).toBe(true)
        const commits = values('kstreams_commit_latency_seconds').find(v => v.metricName === 'kstreams_commit_latency_seconds_count')!
        expect(commits.value).toBeGreaterThan(0)

        // OpenTelemetry: the same per-record histogram, recorded as it happens
        expect(meter.recorded.filter(r => r.name === 'kstreams.process_latency')).toHaveLength(RECORDS)
        expect((await meter.collect()).get('kstreams.state')).toContainEqual([{ state: 'RUNNING' }, 1])

        // fetch: every input offset handed over once
        const fetched = traces.seen.fetch.filter(f => f.topic === input)
        expect(fetched.reduce((n, f) => n + f.records, 0)).toBe(RECORDS)
        for (const f of fetched) expect(f.lastOffset - f.firstOffset + 1).toBe(f.records)

        // produce: every output record in a request that completed, with its offsets
        const produced = traces.seen.produce.filter(p => p.phase === 'asyncEnd')
        expect(produced.flatMap(p => p.ctx.topics).filter(t => t.topic === output).reduce((n, t) => n + t.records, 0)).toBe(RECORDS)
        expect(produced.every(p => p.ctx.result!.every(r => r.baseOffset >= 0))).toBe(true)
        expect(produced.every(p => (p.ctx.transactionalId !== null) === (guarantee === 'exactly_once_v2'))).toBe(true)
        expect(traces.seen.produce.filter(p => p.phase === 'start')).toHaveLength(traces.seen.produce.filter(p => p.phase === 'asyncEnd').length)

        // commit: spans carry the guarantee, the tasks and the offsets
        const commit = traces.seen.commit.find(c => c.phase === 'asyncEnd' && c.ctx.offsets.length > 0)!
        expect(commit.ctx).toMatchObject({ applicationId, guarantee })
        expect(commit.ctx.taskIds.length).toBeGreaterThan(0)

        // rebalance: the assignment applied, with this member and its partitions
        const rebalance = traces.seen.rebalance.find(r => r.phase === 'asyncEnd')!
        expect(rebalance.ctx.applicationId).toBe(applicationId)
        expect(rebalance.ctx.memberId).toEqual(expect.any(String))
        expect(rebalance.ctx.partitions.filter(p => p.topic === input).map(p => p.partition).sort()).toEqual([0, 1])
        expect(traces.seen.commit.filter(c => c.phase === 'error')).toEqual([])
      } finally {
        traces.stop()
        stopOtel()
        await app.close()
        await state.remove()
      }
    }, 60_000)
  }
})
