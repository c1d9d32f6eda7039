// Stream-table joins against versioned tables (KIP-914 as-of lookups, KIP-923 grace period),
// ported from Kafka Streams' KStreamKTableJoinTest with its exact inputs and expected outputs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Joined, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'

const I = Serdes.Integer()
const S = Serdes.String()
const FIVE_MINUTES = 5 * 60_000
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const EXPECTED_KEYS = [0, 1, 2, 3]

function makeJoin(graceMs: number | null) {
  const builder = new StreamsBuilder()
  const consumed = Consumed.with(I, S)
  const stream = builder.stream('streamTopic', consumed)
  const table = builder.table('tableTopic2', consumed, Materialized.as(Stores.persistentVersionedKeyValueStore('V-grace', FIVE_MINUTES)))
  let joined = Joined.with(I, S, S, 'Grace')
  if (graceMs !== null) joined = joined.withGracePeriod(graceMs)
  stream.join(table, (v: string, tv: string) => `${v}+${tv}`, joined).to('out', Produced.with(I, S))
  driver = new TopologyTestDriver(builder.build())
  const streamIn = driver.createInputTopic('streamTopic', I, S)
  const tableIn = driver.createInputTopic('tableTopic2', I, S)
  const output = driver.createOutputTopic('out', I, S)
  return {
    pushToStream: async (count: number, prefix: string) => {
      for (let i = 0; i < count; i++) await streamIn.pipeInput(EXPECTED_KEYS[i]!, prefix + EXPECTED_KEYS[i], i)
    },
    pushToTableNonRandom: async (count: number, prefix: string) => {
      for (let i = 0; i < count; i++) await tableIn.pipeInput(EXPECTED_KEYS[i]!, prefix + EXPECTED_KEYS[i], 0)
    },
    streamIn,
    tableIn,
    checkAndClear: () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  }
}

describe('KStreamKTableJoinTest: grace period on a versioned table', () => {
  it('shouldDelayJoinByGracePeriod', async () => {
    const t = makeJoin(2)
    await t.pushToTableNonRandom(4, 'Y')
    expect(t.checkAndClear()).toEqual([])
    await t.pushToStream(4, 'X')
    expect(t.checkAndClear()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]])
    await t.pushToTableNonRandom(4, 'YY')
    expect(t.checkAndClear()).toEqual([])
    await t.pushToStream(4, 'X')
    expect(t.checkAndClear()).toEqual([[0, 'X0+YY0', 0], [1, 'X1+YY1', 1]])
    await t.streamIn.pipeInput(5, 'test', 7)
    expect(t.checkAndClear()).toEqual([[2, 'X2+YY2', 2], [2, 'X2+YY2', 2], [3, 'X3+YY3', 3], [3, 'X3+YY3', 3]])
    await t.pushToTableNonRandom(4, 'YYY')
    expect(t.checkAndClear()).toEqual([])
  })

  it('shouldHandleLateJoinsWithGracePeriod', async () => {
    const t = makeJoin(2)
    await t.pushToTableNonRandom(4, 'Y')
    expect(t.checkAndClear()).toEqual([])
    await t.pushToStream(4, 'X')
    expect(t.checkAndClear()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]])
    await t.pushToStream(1, 'X')
    expect(t.checkAndClear()).toEqual([[0, 'X0+Y0', 0]])
  })

  it('a buffered stream record meets the table version of its own time, even one that arrived after it', async () => {
    const t = makeJoin(10)
    await t.tableIn.pipeInput(1, 'old', 0)
    await t.streamIn.pipeInput(1, 'A', 5)
    await t.tableIn.pipeInput(1, 'late', 4) // out of order, but before A's time: A must see it
    await t.tableIn.pipeInput(1, 'new', 8) // after A's time: A must not see it
    await t.streamIn.pipeInput(2, 'tick', 20)
    expect(t.checkAndClear()).toEqual([[1, 'A+late', 5]])
  })

  it('without a grace period a versioned table is looked up as of the stream record time', async () => {
    const t = makeJoin(null)
    await t.tableIn.pipeInput(1, 'v10', 10)
    await t.tableIn.pipeInput(1, 'v20', 20)
    await t.streamIn.pipeInput(1, 'a', 15)
    await t.streamIn.pipeInput(1, 'b', 25)
    await t.streamIn.pipeInput(1, 'c', 5)
    expect(t.checkAndClear()).toEqual([[1, 'a+v10', 15], [1, 'b+v20', 25]])
  })

  it('the grace buffer is a store of the join node named after the join, as Kafka Streams', () => {
    const builder = new StreamsBuilder()
    const table = builder.table('t', Consumed.with(I, S), Materialized.as(Stores.persistentVersionedKeyValueStore('V-grace', FIVE_MINUTES)))
    builder.stream('s', Consumed.with(I, S)).join(table, (v: string, tv: string) => v + tv, Joined.with(I, S, S, 'Grace').withGracePeriod(2))
    expect(builder.build().describe().toString()).toMatch(/Processor: Grace \(stores: \[(Grace-Buffer, V-grace|V-grace, Grace-Buffer)\]\)/)
  })
})

describe('KStreamKTableJoinTest: build-time checks of a grace period', () => {
  const joiner = (a: string, b: string) => a + b

  it('shouldFailIfTableIsNotVersioned', () => {
    const builder = new StreamsBuilder()
    const streamA = builder.stream('topic', Consumed.with(S, S))
    const tableB = builder.table('topic2', Consumed.with(S, S))
    expect(() => streamA.join(tableB, joiner, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')).toThrow(
      'KTable must be versioned to use a grace period in a stream table join.',
    )
  })

  it('shouldFailIfTableIsNotVersionedButMaterializationIsInherited', async () => {
    const builder = new StreamsBuilder()
    const streamA = builder.stream('topic', Consumed.with(S, S))
    const source = builder.table('topic2', Consumed.with(S, S), Materialized.as(Stores.inMemoryKeyValueStore('tableB')))
    const tableB = source.filter(() => true)
    // the filter inherits its parent's store: refused before any record is processed
    await expect(async () => {
      streamA.join(tableB, joiner, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
      driver = new TopologyTestDriver(builder.build())
      await driver.createInputTopic('topic', S, S).pipeInput('k', 'v', 0)
    }).rejects.toThrow(/^KTable must be versioned to use a grace period in a stream table join\..*tableB/)
  })

  it('shouldNotFailIfTableIsVersionedButMaterializationIsInherited', () => {
    const builder = new StreamsBuilder()
    const streamA = builder.stream('topic', Consumed.with(S, S))
    const source = builder.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('tableB', FIVE_MINUTES)))
    const tableB = source.filter(() => true)
    streamA.join(tableB, joiner, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
    expect(() => builder.build()).not.toThrow()
  })

  it('shouldFailIfGracePeriodIsLongerThanHistoryRetention', () => {
    const builder = new StreamsBuilder()
    const streamA = builder.stream('topic', Consumed.with(S, S))
    const tableB = builder.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('tableB', FIVE_MINUTES)))
    expect(() => {
      streamA.join(tableB, joiner, Joined.with(S, S, S, 'first-join').withGracePeriod(6 * 60_000)).to('out-one')
      builder.build()
    }).toThrow('History retention must be at least grace period.')
  })

  it('shouldFailIfGracePeriodIsLongerThanHistoryRetentionAndInheritedStore', () => {
    const builder = new StreamsBuilder()
    const streamA = builder.stream('topic', Consumed.with(S, S))
    const source = builder.table('topic2', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('V-grace', 0)))
    const tableB = source.filter(() => true)
    expect(() => {
      streamA.join(tableB, joiner, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
      builder.build()
    }).toThrow('History retention must be at least grace period.')
  })
})

describe('the grace buffer across a restart (JoinGracePeriodDurabilityIntegrationTest)', () => {
  it('records still buffered when the task closes join after it reopens, and its stream time survives', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-grace-'))
    const topology = () => {
      const b = new StreamsBuilder()
      const table = b.table('t', Consumed.with(I, S), Materialized.as(Stores.persistentVersionedKeyValueStore('V-grace', FIVE_MINUTES)))
      b.stream('s', Consumed.with(I, S)).join(table, (v: string, tv: string) => `${v}+${tv}`, Joined.with(I, S, S, 'Grace').withGracePeriod(10)).to('out', Produced.with(I, S))
      return b.build()
    }
    try {
      driver = new TopologyTestDriver(topology(), { applicationId: 'grace-app', stateDir })
      await driver.createInputTopic('t', I, S).pipeInput(1, 'y', 0)
      await driver.createInputTopic('s', I, S).pipeInput(1, 'A', 25)
      expect(driver.createOutputTopic('out', I, S).readRecordsToList()).toEqual([])
      await driver.close()

      driver = new TopologyTestDriver(topology(), { applicationId: 'grace-app', stateDir })
      const s = driver.createInputTopic('s', I, S)
      const out = driver.createOutputTopic('out', I, S)
      const read = () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])
      await s.pipeInput(1, 'C', 1) // older than the buffer's stream time (25) - 10: joins at once
      expect(read()).toEqual([[1, 'C+y', 1]])
      await s.pipeInput(1, 'B', 40) // stream time 40: A (25) is due
      expect(read()).toEqual([[1, 'A+y', 25]])
    } finally {
      await driver?.close()
      driver = null
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
})
