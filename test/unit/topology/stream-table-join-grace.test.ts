import { describe, expect, it } from 'vitest'
import { Consumed, Joined, Materialized, Serdes, StreamsBuilder } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import { TopologyError } from '../../../topology/internals/topology-error.js'
import { isVersionedTable } from '../../../topology/joins/versioned-table.js'

const S = Serdes.String()
const MESSAGE = 'KTable must be versioned to use a grace period in a stream table join.'

/** Stands in for a versioned store supplier: the flag versioned suppliers carry. */
function versionedSupplier(name: string) {
  return Object.assign(Stores.inMemoryKeyValueStore(name), { versioned: true })
}

// Ported from Kafka Streams' KStreamKTableJoinTest.
describe('stream-table join with a grace period', () => {
  it('shouldFailIfTableIsNotVersioned', () => {
    const b = new StreamsBuilder()
    const streamA = b.stream('topic', Consumed.with(S, S))
    const tableB = b.table('topic2', Consumed.with(S, S))
    const join = () => streamA.join(tableB, (v1: string, v2: string) => v1 + v2, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
    expect(join).toThrow(TopologyError)
    expect(join).toThrow(MESSAGE)
    // the message names the join and the table
    expect(join).toThrow(/Join first-join: table KTABLE-SOURCE-\d{10}/)
  })

  it('shouldFailIfTableIsNotVersionedButMaterializationIsInherited', () => {
    const b = new StreamsBuilder()
    const streamA = b.stream('topic', Consumed.with(S, S))
    const source = b.table('topic2', Consumed.with(S, S), Materialized.as<string, string>(Stores.inMemoryKeyValueStore('tableB')))
    const tableB = source.filter(() => true)
    // the filter inherits its parent's store: checked when the topology is built
    streamA.join(tableB, (v1: string, v2: string) => v1 + v2, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
    expect(() => b.build()).toThrow(MESSAGE)
    expect(() => b.build()).toThrow(/store tableB/)
  })

  it('shouldNotFailIfTableIsVersionedButMaterializationIsInherited', () => {
    const b = new StreamsBuilder()
    const streamA = b.stream('topic', Consumed.with(S, S))
    const source = b.table('topic2', Consumed.with(S, S), Materialized.as<string, string>(versionedSupplier('tableB')))
    const tableB = source.filter(() => true)
    streamA.join(tableB, (v1: string, v2: string) => v1 + v2, Joined.with(S, S, S, 'first-join').withGracePeriod(6)).to('out-one')
    expect(() => b.build()).not.toThrow()
  })

  it('a versioned source table passes; without a grace period no table needs to be versioned', () => {
    const b = new StreamsBuilder()
    const stream = b.stream('topic', Consumed.with(S, S))
    const versioned = b.table('v', Consumed.with(S, S), Materialized.as<string, string>(versionedSupplier('v-store')))
    const plain = b.table('p', Consumed.with(S, S))
    expect(isVersionedTable(versioned)).toBe(true)
    expect(isVersionedTable(plain)).toBe(false)
    stream.join(versioned, (a: string, c: string) => a + c, Joined.with(S, S, S).withGracePeriod(0)).to('o1')
    stream.leftJoin(plain, (a: string, c: string | null) => a + c, Joined.with(S, S, S)).to('o2')
    expect(() => b.build()).not.toThrow()
  })
})
