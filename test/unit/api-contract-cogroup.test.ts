// The cogroup part of the API contract (API.md, "Kafka Streams 4.x parity"), written as users write
// it: every name from the package root, the documented shapes.
import { afterEach, describe, expect, it } from 'vitest'
import {
  CogroupedKStream,
  Consumed,
  Materialized,
  Named,
  Serdes,
  SessionWindowedCogroupedKStream,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindowedCogroupedKStream,
  TimeWindows,
  TopologyTestDriver,
  type KTable,
  type Windowed,
} from '../../lib/index.js'

const S = Serdes.String()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

describe('API contract: cogroup (KIP-150)', () => {
  it('grouped1.cogroup(agg).cogroup(grouped2, agg)[.windowedBy(...)].aggregate(init[, named], materialized?)', async () => {
    const b = new StreamsBuilder()
    const grouped1 = b.stream('a', Consumed.with(S, S)).groupByKey()
    const grouped2 = b.stream('b', Consumed.with(S, Serdes.Long())).groupByKey()
    const cogrouped = grouped1.cogroup((_k, v, agg: string) => agg + v).cogroup(grouped2, (_k, v, agg) => agg + String(v))
    expect(cogrouped).toBeInstanceOf(CogroupedKStream)
    const table: KTable<string, string> = cogrouped.aggregate(() => '', Materialized.as<string, string>('plain').withValueSerde(S))
    const timed = cogrouped.windowedBy(TimeWindows.ofSizeWithNoGrace(100))
    const sliding = cogrouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(100))
    const sessions = cogrouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(100))
    expect(timed).toBeInstanceOf(TimeWindowedCogroupedKStream)
    expect(sliding).toBeInstanceOf(TimeWindowedCogroupedKStream)
    expect(sessions).toBeInstanceOf(SessionWindowedCogroupedKStream)
    const perWindow: KTable<Windowed<string>, string> = timed.aggregate(() => '', Named.as('timed'), Materialized.as('timed-store'))
    sliding.aggregate(() => '')
    const perSession: KTable<Windowed<string>, string> = sessions.aggregate(() => '', (_k, x, y) => x + y, Materialized.as('sessions'))
    expect([table.queryableStoreName, perWindow.queryableStoreName, perSession.queryableStoreName]).toEqual(['plain', 'timed-store', 'sessions'])

    driver = new TopologyTestDriver(b.build())
    await driver.createInputTopic('a', S, S).pipeInput('k', 'x', 10)
    await driver.createInputTopic('b', S, Serdes.Long()).pipeInput('k', 7, 20)
    expect(await driver.getKeyValueStore<string, string>('plain').get('k')).toBe('x7')
    expect(await driver.getWindowStore<string, string>('timed-store').fetch('k', 0)).toBe('x7')
    expect(await driver.getSessionStore<string, string>('sessions').fetchSession('k', 10, 20)).toBe('x7')
  })
})
