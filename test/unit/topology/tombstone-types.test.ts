// The DSL's types say where a tombstone (null value) can reach a lambda. The `@ts-expect-error`
// lines are checked by `tsc --noEmit -p .`: each fails the type check if its lambda is typed `V`.
import { describe, expect, expectTypeOf, it } from 'vitest'
import { Consumed, Grouped, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver, type KStream } from '../../../topology/index.js'

const S = Serdes.String()

function readmeTopology() {
  const builder = new StreamsBuilder()
  builder
    .stream('text-input', Consumed.with(S, S))
    .flatMapValues((line) => (line ?? '').toLowerCase().split(/\W+/).filter(Boolean))
    .groupBy((_key, word) => word, Grouped.with(S, S))
    .count(Materialized.as('counts'))
    .toStream()
    .to('word-counts', Produced.with(S, Serdes.Long()))
  return builder.build()
}

describe('tombstones in DSL lambdas', () => {
  it('the README sample handles a null value and counts the other lines', async () => {
    const driver = new TopologyTestDriver(readmeTopology())
    try {
      const input = driver.createInputTopic('text-input', S, S)
      await input.pipeInput('k', null, 1)
      await input.pipeInput('k', 'Hello hello', 2)
      expect(driver.createOutputTopic('word-counts', S, Serdes.Long()).readKeyValuesToList()).toEqual([
        KeyValue.pair('hello', 1),
        KeyValue.pair('hello', 2),
      ])
    } finally {
      await driver.close()
    }
  })

  it('stateless KStream lambdas see the null value of a tombstone', async () => {
    const seen: (string | null)[] = []
    const builder = new StreamsBuilder()
    builder.stream('in', Consumed.with(S, S)).peek((_k, v) => void seen.push(v))
    const driver = new TopologyTestDriver(builder.build())
    try {
      await driver.createInputTopic('in', S, S).pipeInput('k', null, 1)
      expect(seen).toEqual([null])
    } finally {
      await driver.close()
    }
  })

  it('a strict build rejects stateless lambdas that ignore the null value (type check only)', () => {
    const s = new StreamsBuilder().stream('in', Consumed.with(S, S))
    // @ts-expect-error mapValues gets null for a tombstone
    s.mapValues((v) => v.length)
    // @ts-expect-error filter gets null for a tombstone
    s.filter((_k, v) => v.length > 0)
    // @ts-expect-error flatMapValues gets null for a tombstone
    s.flatMapValues((v) => v.split(' '))
    // @ts-expect-error selectKey gets null for a tombstone
    s.selectKey((_k, v) => v.slice(1))
    // @ts-expect-error map gets null for a tombstone
    s.map((k, v) => KeyValue.pair(k, v.length))
    // @ts-expect-error foreach gets null for a tombstone
    s.foreach((_k, v) => v.trim())
    // @ts-expect-error split predicates get null for a tombstone
    s.split().branch((_k, v) => v.startsWith('a'))
    // @ts-expect-error groupBy's selector gets null for a tombstone
    s.groupBy((_k, v) => v.charAt(0))
    // @ts-expect-error process gets a record whose value may be null
    s.process(() => ({ process: (r) => void r.value.length }))
  })

  it('a mapper returning V | null gives a stream of V; joiners, aggregators and KTable mappers take V', () => {
    const builder = new StreamsBuilder()
    const s = builder.stream('in', Consumed.with(S, S))
    expectTypeOf(s.mapValues((v) => (v === null ? null : v.length))).toEqualTypeOf<KStream<string, number>>()
    expectTypeOf(s.groupBy((_k, v) => v)).toEqualTypeOf<ReturnType<typeof s.groupByKey>>()
    s.groupByKey().aggregate(() => 0, (_k, v, agg) => agg + v.length)
    s.groupByKey().reduce((a, v) => a + v)
    const t = builder.table('t', Consumed.with(S, S))
    t.mapValues((v) => v.length).filter((_k, n) => n > 0)
    s.join(t, (v, tv) => v.length + tv.length)
  })
})
