import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChangelogRecord } from '../../../stores/state-store.js'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

describe('KGroupedStream aggregations', () => {
  it('count: one update per record, timestamps are the max seen per key', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')).toStream().to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', 'x', 10)
    await input.pipeInput('B', 'x', 5)
    await input.pipeInput('A', 'x', 8) // out of order: keeps 10
    await input.pipeInput(null, 'x', 9) // null key: skipped
    await input.pipeInput('A', null, 11) // null value: skipped
    await input.pipeInput('A', 'x', 12)
    expect(driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['A', 1, 10],
      ['B', 1, 5],
      ['A', 2, 10],
      ['A', 3, 12],
    ])
    const store = driver.getKeyValueStore<string, number>('counts')
    expect(await store.get('A')).toBe(3)
    expect(await store.get('B')).toBe(1)
    // the changelog carries every flushed value, keyed like the store
    const changelog = driver.producedRecords('test-driver-counts-changelog')
    expect(changelog.map((r) => [r.key!.toString(), r.value!.readBigInt64BE(0), r.timestamp])).toEqual([
      ['A', 1n, 10],
      ['B', 1n, 5],
      ['A', 2n, 10],
      ['A', 3n, 12],
    ])
  })

  it('reduce starts from the first value; aggregate from the initializer', async () => {
    const b = new StreamsBuilder()
    const grouped = b.stream('in', Consumed.with(S, L)).groupByKey()
    grouped.reduce((agg, v) => agg + v).toStream().to('sum', Produced.with(S, L))
    grouped
      .aggregate(() => '', (_k, v, agg) => `${agg}${v}`, Materialized.with(S, S))
      .toStream()
      .to('concat', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, L)
    await input.pipeKeyValueList([KeyValue.pair('a', 1), KeyValue.pair('a', 2), KeyValue.pair('b', 7), KeyValue.pair('a', 3)], 100, 1)
    expect(driver.createOutputTopic('sum', S, L).readKeyValuesToList()).toEqual([
      KeyValue.pair('a', 1),
      KeyValue.pair('a', 3),
      KeyValue.pair('b', 7),
      KeyValue.pair('a', 6),
    ])
    expect(driver.createOutputTopic('concat', S, S).readValuesToList()).toEqual(['1', '12', '7', '123'])
  })

  it('groupBy repartitions through <applicationId>-<store>-repartition before counting', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupBy((_k, v) => v, Grouped.with(S, S))
      .count(Materialized.as('by-value'))
      .toStream()
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build(), { applicationId: 'app' })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('1', 'red', 1)
    await input.pipeInput('2', 'blue', 2)
    await input.pipeInput('3', 'red', 3)
    const repartitioned = driver.createOutputTopic('app-by-value-repartition', S, S).readKeyValuesToList()
    expect(repartitioned).toEqual([KeyValue.pair('red', 'red'), KeyValue.pair('blue', 'blue'), KeyValue.pair('red', 'red')])
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToMap()).toEqual(
      new Map([
        ['red', 2],
        ['blue', 1],
      ]),
    )
  })

  it('a named Grouped repartition topic is shared by the aggregations of one grouping', async () => {
    const b = new StreamsBuilder()
    const grouped = b.stream('in', Consumed.with(S, L)).selectKey((_k, v) => String(v! % 2)).groupByKey(Grouped.with('parity', S, L))
    grouped.count().toStream().to('count', Produced.with(S, L))
    grouped.reduce((a, v) => Math.max(a, v)).toStream().to('max', Produced.with(S, L))
    const topology = b.build()
    expect(topology.metadata('app').repartitionTopics.map((t) => t.name)).toEqual(['app-parity-repartition'])
    driver = new TopologyTestDriver(topology)
    const input = driver.createInputTopic('in', S, L)
    for (const v of [3, 4, 9, 2]) await input.pipeInput('k', v, v)
    expect(driver.createOutputTopic('count', S, L).readKeyValuesToList()).toEqual([
      KeyValue.pair('1', 1),
      KeyValue.pair('0', 1),
      KeyValue.pair('1', 2),
      KeyValue.pair('0', 2),
    ])
    expect(driver.createOutputTopic('max', S, L).readValuesToList()).toEqual([3, 4, 9, 4])
  })

  it('toTable: the latest value per key, deletes forwarded as null values', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).toTable(Materialized.as('latest')).toStream().to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('A', '01', 5)
    await input.pipeInput('A', '02', 3)
    await input.pipeInput('A', null, 7)
    expect(driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['A', '01', 5],
      ['A', '02', 3],
      ['A', null, 7],
    ])
    expect(await driver.getKeyValueStore('latest').get('A')).toBeNull()
  })
})

describe('caching', () => {
  async function runTask(materialized: Materialized<string, number>) {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-cache-'))
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).groupByKey().count(materialized).toStream().to('out', Produced.with(S, L))
    const sent: { topic: string; key: string; value: number | null }[] = []
    const collector = {
      send(topic: string, r: ChangelogRecord) {
        sent.push({ topic, key: r.key!.toString(), value: r.value ? Number(r.value.readBigInt64BE(0)) : null })
      },
    }
    const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector, cacheMaxBytes: 1 << 20 })
    await task.initialize()
    const rec = (offset: number, key: string) => ({ offset, timestamp: offset, key: Buffer.from(key), value: Buffer.from('v') })
    task.addRecords('in', 0, [rec(0, 'a'), rec(1, 'b'), rec(2, 'a'), rec(3, 'a')])
    await task.process(10)
    const beforeCommit = sent.length
    await task.commit()
    await task.close()
    rmSync(stateDir, { recursive: true, force: true })
    return { beforeCommit, sent }
  }

  it('with caching, downstream and the changelog see one update per key per commit', async () => {
    const { beforeCommit, sent } = await runTask(Materialized.as('c'))
    expect(beforeCommit).toBe(0)
    expect(sent.filter((s) => s.topic === 'out')).toEqual([
      { topic: 'out', key: 'a', value: 3 },
      { topic: 'out', key: 'b', value: 1 },
    ])
    expect(sent.filter((s) => s.topic === 'app-c-changelog').map((s) => [s.key, s.value])).toEqual([
      ['a', 3],
      ['b', 1],
    ])
  })

  it('without caching, every update goes downstream at once', async () => {
    const { beforeCommit, sent } = await runTask(Materialized.as<string, number>('c').withCachingDisabled())
    expect(beforeCommit).toBe(8)
    expect(sent.filter((s) => s.topic === 'out').map((s) => [s.key, s.value])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['a', 3],
    ])
  })

  it('withLoggingDisabled writes no changelog', async () => {
    const { sent } = await runTask(Materialized.as<string, number>('c').withLoggingDisabled())
    expect(sent.some((s) => s.topic.endsWith('-changelog'))).toBe(false)
  })
})
