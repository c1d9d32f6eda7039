import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'

const S = Serdes.String()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

describe('KTableAggregateTest', () => {
  // An aggregate of a versioned table: out-of-order updates (A@12, B@22) are not updates of the
  // aggregate; a null pair ("NULL") or a null key ("null") skips the update.
  it('testAggOfVersionedStore', async () => {
    const b = new StreamsBuilder()
    b.table('topic1', Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('versioned', 5 * 60_000)))
      .groupBy((key: string, value: string) => {
        if (key === 'null') return KeyValue.pair(null as unknown as string, value)
        if (key === 'NULL') return null as unknown as KeyValue<string, string>
        return KeyValue.pair(value, value)
      }, Grouped.with(S, S))
      .aggregate(
        () => '0',
        (_k, v, agg) => `${agg}+${v}`,
        (_k, v, agg) => `${agg}-${v}`,
        Materialized.as<string, string>('topic1-Canonized').withValueSerde(S),
      )
      .toStream()
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 0 })
    const input = driver.createInputTopic('topic1', S, S)
    await input.pipeInput('A', '1', 10)
    await input.pipeInput('A', null, 15)
    await input.pipeInput('A', '1', 12) // out-of-order record will be ignored
    await input.pipeInput('B', '2', 20)
    await input.pipeInput('null', '3', 25)
    await input.pipeInput('B', '4', 23)
    await input.pipeInput('NULL', '5', 24)
    await input.pipeInput('B', '7', 22) // out-of-order record will be ignored
    const out = driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])
    expect(out).toEqual([
      ['1', '0+1', 10],
      ['1', '0+1-1', 15],
      ['2', '0+2', 20],
      ['2', '0+2-2', 23],
      ['4', '0+4', 23],
    ])
  })
})
