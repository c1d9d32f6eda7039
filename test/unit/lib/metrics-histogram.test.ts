import { describe, expect, it } from 'vitest'
import { Histogram, LATENCY_BUCKETS_SECONDS, MetricsRegistry, StreamsMetrics, toPrometheusText } from '../../../lib/metrics/index.js'
import type { StreamsState } from '../../../lib/lifecycle/streams-state.js'

describe('latency histograms', () => {
  it('counts each observation in the first bucket whose bound it does not exceed', () => {
    const h = new Histogram([0.001, 0.01, 0.1])
    for (const v of [0.0005, 0.001, 0.002, 0.05, 3]) h.observe(v)
    expect(h.count).toBe(5)
    expect(h.sum).toBeCloseTo(3.0535)
    expect(h.cumulative()).toEqual([
      { le: 0.001, count: 2 },
      { le: 0.01, count: 3 },
      { le: 0.1, count: 4 },
      { le: Infinity, count: 5 },
    ])
  })

  it('counts a batch of records at its mean in one step, each record once, sink included', () => {
    const h = new Histogram([0.001, 0.01])
    const sunk: number[] = []
    h.sink = v => sunk.push(v)
    h.observeMany(0.002, 3)
    h.observe(0.0001)
    expect(h.cumulative()).toEqual([{ le: 0.001, count: 1 }, { le: 0.01, count: 4 }, { le: Infinity, count: 4 }])
    expect(h.count).toBe(4)
    expect(h.sum).toBeCloseTo(0.0061)
    expect(sunk).toEqual([0.002, 0.002, 0.002, 0.0001])
  })

  it('exports histograms as Prometheus buckets with le labels, sum and count', () => {
    const r = new MetricsRegistry()
    const h = r.histogram('process_latency_seconds', 'per record', { task_id: '0_1' })
    h.observe(0.00002)
    h.observe(0.2)
    const text = toPrometheusText(r.snapshot())
    expect(text).toContain('# TYPE kstreams_process_latency_seconds histogram')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_1",le="0.00001"} 0')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_1",le="0.000025"} 1')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_1",le="0.25"} 2')
    expect(text).toContain('kstreams_process_latency_seconds_bucket{task_id="0_1",le="+Inf"} 2')
    expect(text).toContain('kstreams_process_latency_seconds_count{task_id="0_1"} 2')
    expect(r.snapshot()[0]).toMatchObject({ type: 'histogram', count: 2, value: (0.00002 + 0.2) / 2 })
    expect(r.snapshot()[0]!.buckets).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1)
  })

  it('gives each task a per-record histogram that leaves with the task', () => {
    const m = new StreamsMetrics()
    m.taskMetrics('0_0').recordLatency.observe(0.001)
    m.taskMetrics('0_1').recordLatency.observe(0.001)
    m.removeTask('0_0')
    expect(m.registry.snapshot().filter(s => s.name === 'process_latency_seconds').map(s => s.tags.task_id)).toEqual(['0_1'])
  })

  it('reports the client state as one series per state, 1 for the current one', () => {
    const owner = { state: 'REBALANCING' as StreamsState }
    const m = new StreamsMetrics(owner)
    const states = () => Object.fromEntries(m.registry.snapshot().filter(s => s.name === 'state').map(s => [s.tags.state, s.value]))
    expect(states()).toEqual({ CREATED: 0, REBALANCING: 1, RUNNING: 0, PENDING_SHUTDOWN: 0, NOT_RUNNING: 0, PENDING_ERROR: 0, ERROR: 0 })
    owner.state = 'RUNNING'
    expect(states().RUNNING).toBe(1)
    expect(states().REBALANCING).toBe(0)
  })

  it('tells a histogram listener of existing and later series, and stops when removed', () => {
    const r = new MetricsRegistry()
    r.histogram('a', 'a', { task_id: '0_0' })
    const seen: string[] = []
    const stop = r.onHistogram((name, tags) => seen.push(`${name}:${tags.task_id}`))
    r.histogram('a', 'a', { task_id: '0_1' })
    r.histogram('a', 'a', { task_id: '0_1' })
    stop()
    r.histogram('a', 'a', { task_id: '0_2' })
    expect(seen).toEqual(['a:0_0', 'a:0_1'])
  })
})
