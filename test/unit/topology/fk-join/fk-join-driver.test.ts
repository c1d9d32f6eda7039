// Kafka Streams' KTableKTableForeignKeyJoinIntegrationTest, through TopologyTestDriver with the same
// inputs and expected outputs, for inner and left joins, materialized or not, with and without a rejoin.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../../topology/index.js'
import { Stores } from '../../../../stores/stores.js'

const S = Serdes.String()
const LEFT_TABLE = 'left_table'
const RIGHT_TABLE = 'right_table'
const OUTPUT = 'output-topic'
const REJOIN_OUTPUT = 'rejoin-output-topic'
const base = 1_700_000_000_000

let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

type Extractor = (value: string) => string | null
const defaultExtractor: Extractor = (value) => value.split('|')[1]

function topology(materialized: boolean, leftJoin: boolean, rejoin: boolean, extractor: Extractor = defaultExtractor) {
  const builder = new StreamsBuilder()
  const left = builder.table(LEFT_TABLE, Consumed.with(S, S))
  const right = builder.table(RIGHT_TABLE, Consumed.with(S, S))
  const joiner = (v1: string | null, v2: string | null) => `(${v1},${v2})`
  const rejoiner = (v1: string | null, v2: string | null) => `rejoin(${v1},${v2})`
  // the cache suppresses some of the unnecessary tombstones the assertions are about
  const mainMaterialized = !materialized
    ? Materialized.with<string, string>(null, S).withCachingDisabled()
    : Materialized.as<string, string>(Stores.inMemoryKeyValueStore('store')).withValueSerde(S).withCachingDisabled()
  const rejoinMaterialized = !materialized
    ? Materialized.with<string, string>(null, S)
    : Materialized.as<string, string>(Stores.inMemoryKeyValueStore('store-rejoin')).withValueSerde(S).withCachingDisabled()
  if (leftJoin) {
    const fkJoin = left.leftJoin(right, extractor, joiner, mainMaterialized)
    fkJoin.toStream().to(OUTPUT)
    if (rejoin) fkJoin.leftJoin(left, rejoiner, rejoinMaterialized).toStream().to(REJOIN_OUTPUT)
  } else {
    const fkJoin = left.join(right, extractor, joiner, mainMaterialized)
    fkJoin.toStream().to(OUTPUT)
    if (rejoin) fkJoin.join(left, rejoiner, rejoinMaterialized).toStream().to(REJOIN_OUTPUT)
  }
  driver = new TopologyTestDriver(builder.build())
  return {
    left: driver.createInputTopic(LEFT_TABLE, S, S),
    right: driver.createInputTopic(RIGHT_TABLE, S, S),
    output: driver.createOutputTopic(OUTPUT, S, S),
    rejoinOutput: driver.createOutputTopic(REJOIN_OUTPUT, S, S),
    store: async () => {
      const out: Record<string, string> = {}
      for await (const kv of driver!.getKeyValueStore<string, string>('store').all()) out[kv.key] = kv.value
      return out
    },
  }
}

const map = (o: Record<string, string | null>) => new Map(Object.entries(o))

const cases: { leftJoin: boolean; materialized: boolean; rejoin: boolean }[] = []
for (const leftJoin of [true, false]) for (const materialized of [true, false]) for (const rejoin of [true, false]) cases.push({ leftJoin, materialized, rejoin })

describe.each(cases)('foreign-key join (leftJoin=$leftJoin, materialized=$materialized, rejoin=$rejoin)', ({ leftJoin, materialized, rejoin }) => {
  it('doJoinFromLeftThenDeleteLeftEntity', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    // Pre-populate the RHS records: this test is about adding and removing LHS records
    await t.right.pipeInput('rhs1', 'rhsValue1', base)
    await t.right.pipeInput('rhs2', 'rhsValue2', base + 1)
    await t.right.pipeInput('rhs3', 'rhsValue3', base + 2) // an unreferenced FK never shows up
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (rejoin) expect(t.rejoinOutput.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual({})

    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 3)
    await t.left.pipeInput('lhs2', 'lhsValue2|rhs2', base + 4)
    const expected = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,rhsValue2)' }
    expect(t.output.readKeyValuesToMap()).toEqual(map(expected))
    if (rejoin) {
      expect(t.rejoinOutput.readKeyValuesToMap()).toEqual(
        map({ lhs1: 'rejoin((lhsValue1|rhs1,rhsValue1),lhsValue1|rhs1)', lhs2: 'rejoin((lhsValue2|rhs2,rhsValue2),lhsValue2|rhs2)' }),
      )
    }
    if (materialized) expect(await t.store()).toEqual(expected)

    // Add another reference to an existing FK
    await t.left.pipeInput('lhs3', 'lhsValue3|rhs1', base + 5)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs3: '(lhsValue3|rhs1,rhsValue1)' }))
    if (rejoin) expect(t.rejoinOutput.readKeyValuesToMap()).toEqual(map({ lhs3: 'rejoin((lhsValue3|rhs1,rhsValue1),lhsValue3|rhs1)' }))
    if (materialized) expect(await t.store()).toEqual({ ...expected, lhs3: '(lhsValue3|rhs1,rhsValue1)' })

    // Delete one LHS entity: one delete reaches the output
    await t.left.pipeInput('lhs1', null, base + 6)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: null }))
    if (rejoin) expect(t.rejoinOutput.readKeyValuesToMap()).toEqual(map({ lhs1: null }))
    if (materialized) expect(await t.store()).toEqual({ lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,rhsValue1)' })
  })

  it('doJoinFromRightThenDeleteRightEntity', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    // Pre-populate the LHS records: this test is about adding and removing RHS records
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base)
    await t.left.pipeInput('lhs2', 'lhsValue2|rhs2', base + 1)
    await t.left.pipeInput('lhs3', 'lhsValue3|rhs1', base + 2)
    const halfJoined = { lhs1: '(lhsValue1|rhs1,null)', lhs2: '(lhsValue2|rhs2,null)', lhs3: '(lhsValue3|rhs1,null)' }
    expect(t.output.readKeyValuesToMap()).toEqual(leftJoin ? map(halfJoined) : new Map())
    if (materialized) expect(await t.store()).toEqual(leftJoin ? halfJoined : {})

    await t.right.pipeInput('rhs1', 'rhsValue1', base + 3)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs3: '(lhsValue3|rhs1,rhsValue1)' }))
    if (materialized) {
      expect(await t.store()).toEqual(
        leftJoin
          ? { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,null)', lhs3: '(lhsValue3|rhs1,rhsValue1)' }
          : { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs3: '(lhsValue3|rhs1,rhsValue1)' },
      )
    }

    await t.right.pipeInput('rhs2', 'rhsValue2', base + 4)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs2: '(lhsValue2|rhs2,rhsValue2)' }))
    const all = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,rhsValue1)' }
    if (materialized) expect(await t.store()).toEqual(all)

    await t.right.pipeInput('rhs3', 'rhsValue3', base + 5) // an unreferenced FK never shows up
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual(all)

    // Delete the RHS entity: every matching key gets its delete
    await t.right.pipeInput('rhs1', null, base + 6)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: leftJoin ? '(lhsValue1|rhs1,null)' : null, lhs3: leftJoin ? '(lhsValue3|rhs1,null)' : null }))
    if (materialized) {
      expect(await t.store()).toEqual(
        leftJoin
          ? { lhs1: '(lhsValue1|rhs1,null)', lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,null)' }
          : { lhs2: '(lhsValue2|rhs2,rhsValue2)' },
      )
    }
  })

  it('shouldEmitTombstoneWhenDeletingNonJoiningRecords', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base)
    const expected: Record<string, string> = leftJoin ? { lhs1: '(lhsValue1|rhs1,null)' } : {}
    expect(t.output.readKeyValuesToMap()).toEqual(map(expected))
    if (materialized) expect(await t.store()).toEqual(expected)

    // Deleting a non-joining record: an unnecessary tombstone for inner joins (no way to know whether a
    // result was emitted before), a necessary one for left joins.
    await t.left.pipeInput('lhs1', null, base + 1)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: null }))
    if (materialized) expect(await t.store()).toEqual({})

    // Deleting a non-existing record is idempotent
    await t.left.pipeInput('lhs1', null, base + 2)
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual({})
  })

  it('shouldNotEmitTombstonesWhenDeletingNonExistingRecords', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    await t.left.pipeInput('lhs1', null, base)
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual({})
  })

  it('joinShouldProduceNullsWhenValueHasNonMatchingForeignKey', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base)
    // no output for a new inner join on a non-existent FK; the left join emits the half-joined output
    expect(t.output.readKeyValuesToMap()).toEqual(leftJoin ? map({ lhs1: '(lhsValue1|rhs1,null)' }) : new Map())
    if (materialized) expect(await t.store()).toEqual(leftJoin ? { lhs1: '(lhsValue1|rhs1,null)' } : {})

    // moving to another non-existent FK: an unnecessary tombstone for the inner join, a necessary update for the left join
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 1)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null }))
    if (materialized) expect(await t.store()).toEqual(leftJoin ? { lhs1: '(lhsValue1|rhs2,null)' } : {})

    await t.left.pipeInput('lhs1', 'lhsValue1|rhs3', base + 2)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: leftJoin ? '(lhsValue1|rhs3,null)' : null }))
    if (materialized) expect(await t.store()).toEqual(leftJoin ? { lhs1: '(lhsValue1|rhs3,null)' } : {})

    // rhs1 is no longer referenced: adding it changes nothing
    await t.right.pipeInput('rhs1', 'rhsValue1', base + 3)
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual(leftJoin ? { lhs1: '(lhsValue1|rhs3,null)' } : {})

    // moving to an FK that exists completes the join
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 4)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs1,rhsValue1)' }))
    if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' })

    // and moving away again: a tombstone for the inner join, an update for the left join
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 5)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null }))
    if (materialized) expect(await t.store()).toEqual(leftJoin ? { lhs1: '(lhsValue1|rhs2,null)' } : {})
  })

  it('shouldUnsubscribeOldForeignKeyIfLeftSideIsUpdated', async () => {
    const t = topology(materialized, leftJoin, rejoin)
    await t.right.pipeInput('rhs1', 'rhsValue1', base)
    await t.right.pipeInput('rhs2', 'rhsValue2', base + 1)
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual({})

    await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base + 2)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs1,rhsValue1)' }))
    if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' })

    // Change the LHS foreign key
    await t.left.pipeInput('lhs1', 'lhsValue1|rhs2', base + 3)
    expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs2,rhsValue2)' }))
    if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs2,rhsValue2)' })

    // An update of the old foreign key reaches nobody
    await t.right.pipeInput('rhs1', 'rhsValue1Delta', base + 4)
    expect(t.output.readKeyValuesToMap()).toEqual(new Map())
    if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs2,rhsValue2)' })
  })
})

describe.each([true, false].flatMap((materialized) => [true, false].map((rejoin) => ({ materialized, rejoin }))))(
  'foreign-key left join (materialized=$materialized, rejoin=$rejoin)',
  ({ materialized, rejoin }) => {
    it('shouldEmitRecordOnNullForeignKeyForLeftJoins', async () => {
      const t = topology(materialized, true, rejoin, () => null)
      await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base)
      expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs1,null)' }))
      if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs1,null)' })
    })

    it('shouldEmitRecordWhenOldAndNewFkDiffer', async () => {
      const extractor: Extractor = (value) => {
        const split = value.split('|')[1]
        return split === 'returnNull' ? null : split
      }
      const t = topology(materialized, true, rejoin, extractor)
      const subscriptionStoreName = [...(await storeNames())].find((n) => n.includes('SUBSCRIPTION-STATE-STORE'))!
      const subscriptions = driver!.getTimestampedKeyValueStore<Buffer, unknown>(subscriptionStoreName)
      // {4 bytes FK length}{FK}{PK}: Kafka Streams' subscription store key
      const key = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('rhs1'), Buffer.from('lhs1')])
      await t.left.pipeInput('lhs1', 'lhsValue1|rhs1', base)
      expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|rhs1,null)' }))
      if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|rhs1,null)' })
      expect(await subscriptions.get(key)).not.toBeNull()

      await t.left.pipeInput('lhs1', 'lhsValue1|returnNull', base)
      expect(t.output.readKeyValuesToMap()).toEqual(map({ lhs1: '(lhsValue1|returnNull,null)' }))
      if (materialized) expect(await t.store()).toEqual({ lhs1: '(lhsValue1|returnNull,null)' })
      expect(await subscriptions.get(key)).toBeNull()
    })
  },
)

async function storeNames(): Promise<string[]> {
  const topo = (driver as unknown as { topology: { builder: { stores: Map<string, unknown> } } }).topology
  return [...topo.builder.stores.keys()]
}
