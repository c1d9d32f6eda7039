// Kafka Streams' KTableKTableForeignKeyJoinIntegrationTest.shouldIgnoreOutOfOrderRecordsIffVersioned,
// through TopologyTestDriver with the same inputs and expected outputs: an out-of-order update of a
// versioned table (either side) changes no join result; of an unversioned table it does.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../../topology/index.js'
import { Stores } from '../../../../stores/stores.js'

const S = Serdes.String()
const LEFT_TABLE = 'left_table'
const RIGHT_TABLE = 'right_table'
const OUTPUT = 'output-topic'
const base = 1_700_000_000_000
const FIVE_MINUTES = 5 * 60_000

let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

function topology(materialized: boolean, leftJoin: boolean, leftVersioned: boolean, rightVersioned: boolean) {
  const builder = new StreamsBuilder()
  const left = leftVersioned
    ? builder.table(LEFT_TABLE, Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('left', FIVE_MINUTES)))
    : builder.table(LEFT_TABLE, Consumed.with(S, S))
  const right = rightVersioned
    ? builder.table(RIGHT_TABLE, Consumed.with(S, S), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('right', FIVE_MINUTES)))
    : builder.table(RIGHT_TABLE, Consumed.with(S, S))
  const extractor = (value: string) => value.split('|')[1]
  const joiner = (v1: string | null, v2: string | null) => `(${v1},${v2})`
  const mainMaterialized = !materialized
    ? Materialized.with<string, string>(null, S).withCachingDisabled()
    : Materialized.as<string, string>(Stores.inMemoryKeyValueStore('store')).withValueSerde(S).withCachingDisabled()
  const fkJoin = leftJoin ? left.leftJoin(right, extractor, joiner, mainMaterialized) : left.join(right, extractor, joiner, mainMaterialized)
  fkJoin.toStream().to(OUTPUT)
  return builder.build()
}

const cases: [boolean, boolean, boolean, boolean][] = []
for (const leftJoin of [true, false])
  for (const materialized of [true, false])
    for (const leftVersioned of [true, false]) for (const rightVersioned of [true, false]) cases.push([leftJoin, materialized, leftVersioned, rightVersioned])

describe('KTableKTableForeignKeyJoinIntegrationTest', () => {
  it.each(cases)('shouldIgnoreOutOfOrderRecordsIffVersioned (leftJoin=%s, materialized=%s, leftVersioned=%s, rightVersioned=%s)', async (leftJoin, materialized, leftVersioned, rightVersioned) => {
    driver = new TopologyTestDriver(topology(materialized, leftJoin, leftVersioned, rightVersioned), { applicationId: 'fk-versioned' })
    const right = driver.createInputTopic(RIGHT_TABLE, S, S)
    const left = driver.createInputTopic(LEFT_TABLE, S, S)
    const output = driver.createOutputTopic(OUTPUT, S, S)
    const d = driver
    const check = async (expected: Record<string, string | null>, store: Record<string, string>) => {
      expect(Object.fromEntries(output.readKeyValuesToMap())).toEqual(expected)
      if (materialized) {
        const out: Record<string, string> = {}
        for await (const kv of d.getKeyValueStore<string, string>('store').all()) out[kv.key] = kv.value
        expect(out).toEqual(store)
      }
    }

    // RHS record
    await right.pipeInput('rhs1', 'rhsValue1', base + 4)
    await check({}, {})

    // LHS records with match to existing RHS record
    await left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 3)
    await left.pipeInput('lhs2', 'lhsValue2|rhs1', base + 5)
    {
      const expected = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs1,rhsValue1)' }
      await check(expected, expected)
    }

    // replace with tombstone, to validate behavior when latest record is null
    await left.pipeInput('lhs2', null, base + 6)
    await check({ lhs2: null }, { lhs1: '(lhsValue1|rhs1,rhsValue1)' })

    // the skipped out-of-order records count as dropped, as Kafka Streams' dropped-records sensor
    const dropped = () => d.metrics().filter((m) => m.name === 'dropped-records-total').reduce((sum, m) => sum + m.value, 0)
    const droppedBefore = dropped()

    // out-of-order LHS record (for existing key) does not produce a new result iff LHS is versioned
    await left.pipeInput('lhs1', 'lhsValue1_ooo|rhs1', base + 2)
    await left.pipeInput('lhs2', 'lhsValue2_ooo|rhs1', base + 2)
    if (leftVersioned) {
      await check({}, { lhs1: '(lhsValue1|rhs1,rhsValue1)' })
    } else {
      const expected = { lhs1: '(lhsValue1_ooo|rhs1,rhsValue1)', lhs2: '(lhsValue2_ooo|rhs1,rhsValue1)' }
      await check(expected, expected)
    }

    // out-of-order LHS tombstone (for existing key) is similarly ignored (iff LHS is versioned)
    await left.pipeInput('lhs1', null, base + 2)
    if (leftVersioned) await check({}, { lhs1: '(lhsValue1|rhs1,rhsValue1)' })
    else await check({ lhs1: null }, { lhs2: '(lhsValue2_ooo|rhs1,rhsValue1)' })

    expect(dropped() - droppedBefore).toBe(leftVersioned ? 3 : 0)

    // LHS record with larger timestamp always produces a new result
    await left.pipeInput('lhs1', 'lhsValue1_new|rhs1', base + 8)
    await left.pipeInput('lhs2', 'lhsValue2_new|rhs1', base + 8)
    {
      const expected = { lhs1: '(lhsValue1_new|rhs1,rhsValue1)', lhs2: '(lhsValue2_new|rhs1,rhsValue1)' }
      await check(expected, expected)
    }

    // out-of-order RHS record (for existing key) does not produce a new result iff RHS is versioned
    await right.pipeInput('rhs1', 'rhsValue1_ooo', base + 1)
    if (rightVersioned) {
      await check({}, { lhs1: '(lhsValue1_new|rhs1,rhsValue1)', lhs2: '(lhsValue2_new|rhs1,rhsValue1)' })
    } else {
      const expected = { lhs1: '(lhsValue1_new|rhs1,rhsValue1_ooo)', lhs2: '(lhsValue2_new|rhs1,rhsValue1_ooo)' }
      await check(expected, expected)
    }

    // out-of-order RHS tombstone (for existing key) is similarly ignored (iff RHS is versioned)
    await right.pipeInput('rhs1', null, base + 1)
    if (rightVersioned) {
      await check({}, { lhs1: '(lhsValue1_new|rhs1,rhsValue1)', lhs2: '(lhsValue2_new|rhs1,rhsValue1)' })
    } else if (leftJoin) {
      const expected = { lhs1: '(lhsValue1_new|rhs1,null)', lhs2: '(lhsValue2_new|rhs1,null)' }
      await check(expected, expected)
    } else {
      await check({ lhs1: null, lhs2: null }, {})
    }

    expect(dropped() - droppedBefore).toBe((leftVersioned ? 3 : 0) + (rightVersioned ? 2 : 0))

    // RHS record with larger timestamps always produces new results
    await right.pipeInput('rhs1', 'rhsValue1_new', base + 6)
    {
      const expected = { lhs1: '(lhsValue1_new|rhs1,rhsValue1_new)', lhs2: '(lhsValue2_new|rhs1,rhsValue1_new)' }
      await check(expected, expected)
    }
  })
})
