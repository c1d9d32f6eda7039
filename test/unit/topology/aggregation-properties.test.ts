import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'

const S = Serdes.String()
const L = Serdes.Long()

describe('aggregation properties', () => {
  it('count equals the number of records per key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(1000)), { maxLength: 30 }), async (records) => {
        const b = new StreamsBuilder()
        b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')).toStream().to('out', Produced.with(S, L))
        const driver = new TopologyTestDriver(b.build(), { cacheMaxBytes: 0 })
        try {
          const input = driver.createInputTopic('in', S, S)
          for (const [key, ts] of records) await input.pipeInput(key, 'x', ts)
          const expected = new Map<string, number>()
          for (const [key] of records) expected.set(key, (expected.get(key) ?? 0) + 1)
          expect(driver.createOutputTopic('out', S, L).readKeyValuesToMap()).toEqual(expected)
          const store = driver.getKeyValueStore<string, number>('counts')
          for (const [key, n] of expected) expect(await store.get(key)).toBe(n)
        } finally {
          await driver.close()
        }
      }),
      { numRuns: 25 },
    )
  })

  it('a KGroupedTable aggregate equals a recomputation from the final table', async () => {
    const update = fc.tuple(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5'), fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }))
    await fc.assert(
      fc.asyncProperty(fc.array(update, { maxLength: 40 }), fc.boolean(), async (updates, caching) => {
        const b = new StreamsBuilder()
        b.table('t', Consumed.with(S, L))
          .groupBy((_k, v) => KeyValue.pair(`g${v % 3}`, v), Grouped.with(S, L))
          .aggregate(
            () => 0,
            (_g, v, agg) => agg + v,
            (_g, v, agg) => agg - v,
            caching ? Materialized.as<string, number>('sums') : Materialized.as<string, number>('sums').withCachingDisabled(),
          )
        const driver = new TopologyTestDriver(b.build())
        try {
          const input = driver.createInputTopic('t', S, L)
          let ts = 0
          for (const [key, value] of updates) await input.pipeInput(key, value, ts++)
          const table = new Map<string, number>()
          for (const [key, value] of updates) {
            if (value === null) table.delete(key)
            else table.set(key, value)
          }
          const expected = new Map<string, number>()
          const touched = new Set(updates.filter(([, v]) => v !== null).map(([, v]) => `g${v! % 3}`))
          for (const g of touched) expected.set(g, 0)
          for (const v of table.values()) expected.set(`g${v % 3}`, expected.get(`g${v % 3}`)! + v)
          const store = driver.getKeyValueStore<string, number>('sums')
          const actual = new Map((await store.toArray()).map((kv) => [kv.key, kv.value] as const))
          expect(actual).toEqual(expected)
        } finally {
          await driver.close()
        }
      }),
      { numRuns: 25 },
    )
  })
})
