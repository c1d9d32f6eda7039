import { describe, expect, it } from 'vitest'
import { MetricsRegistry, StreamsMetrics, toPrometheusText } from '../../../lib/metrics/index.js'

describe('metrics', () => {
  it('keeps one series per tag set and snapshots values', () => {
    const r = new MetricsRegistry()
    r.counter('c', 'd', { task_id: '0_0' }).inc(2)
    r.counter('c', 'd', { task_id: '0_0' }).inc()
    r.counter('c', 'd', { task_id: '0_1' }).inc(5)
    const s = r.summary('lat', 'latency')
    s.observe(2)
    s.observe(4)
    const snap = r.snapshot()
    expect(snap.find(m => m.name === 'c' && m.tags.task_id === '0_0')!.value).toBe(3)
    expect(snap.find(m => m.name === 'c' && m.tags.task_id === '0_1')!.value).toBe(5)
    expect(snap.find(m => m.name === 'lat')).toMatchObject({ value: 3, count: 2, sum: 6, max: 4 })
    expect(() => r.gauge('c', 'x')).toThrow(/counter/)
  })

  it('exports Prometheus text', () => {
    const m = new StreamsMetrics()
    m.taskMetrics('1_2').processed.inc(7)
    m.commitLatency.observe(10)
    const text = toPrometheusText(m.registry.snapshot())
    expect(text).toContain('# TYPE kstreams_records_processed_total counter')
    expect(text).toContain('kstreams_records_processed_total{task_id="1_2"} 7')
    expect(text).toContain('kstreams_commit_latency_ms_count 1')
    expect(text).toContain('kstreams_commit_latency_ms_sum 10')
  })

  it('forgets the series of a closed task', () => {
    const m = new StreamsMetrics()
    m.taskMetrics('0_0').processed.inc()
    m.lateRecords('0_0').inc()
    m.lateRecords('0_1').inc()
    m.removeTask('0_0')
    expect(m.registry.snapshot().filter(s => s.tags.task_id === '0_1').map(s => s.name)).toEqual(['late_records_total'])
    expect(m.registry.snapshot().filter(s => s.tags.task_id === '0_0')).toEqual([])
  })
})
