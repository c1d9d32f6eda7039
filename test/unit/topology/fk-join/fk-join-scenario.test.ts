// Kafka Streams' KTableKTableForeignKeyJoinScenarioTest: default serdes, serdes from Consumed,
// Materialized and Produced, and the internal topics (and pseudo-topics) the serdes see.
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, TableJoined, TopologyTestDriver, type KTable } from '../../../../topology/index.js'
import type { Serde } from '../../../../stores/serde.js'

const I = Serdes.Integer() as Serde<number>
const S = Serdes.String() as Serde<string>
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

async function validateTopologyCanProcessData(builder: StreamsBuilder) {
  driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: I, defaultValueSerde: S })
  const a = driver.createInputTopic('A', I, S)
  const b = driver.createInputTopic('B', I, S)
  const output = driver.createOutputTopic('output', I, S)
  await a.pipeInput(1, '999-alpha')
  await b.pipeInput(999, 'beta')
  expect(output.readKeyValuesToMap()).toEqual(new Map([[1, '(999-alpha,(999-alpha,beta))']]))
}

const fk = (value: string) => Number.parseInt(value.split('-')[0], 10)
const joiner = (a: string, b: string) => `(${a},${b})`

describe('KTableKTableForeignKeyJoinScenarioTest', () => {
  it('shouldWorkWithDefaultSerdes', async () => {
    const builder = new StreamsBuilder()
    const aTable: KTable<number, string> = builder.table('A')
    const bTable: KTable<number, string> = builder.table('B')
    const fkJoinResult = aTable.join(bTable, fk, joiner, Materialized.as<number, string>('asdf'))
    aTable.join(fkJoinResult, joiner).toStream().to('output')
    await validateTopologyCanProcessData(builder)
  })

  it('shouldWorkWithDefaultAndConsumedSerdes', async () => {
    const builder = new StreamsBuilder()
    const aTable = builder.table('A', Consumed.with(I, S))
    const bTable: KTable<number, string> = builder.table('B')
    const fkJoinResult = aTable.join(bTable, fk, joiner, Materialized.as<number, string>('asdf'))
    aTable.join(fkJoinResult, joiner).toStream().to('output')
    await validateTopologyCanProcessData(builder)
  })

  it('shouldWorkWithDefaultAndJoinResultSerdes', async () => {
    const builder = new StreamsBuilder()
    const aTable: KTable<number, string> = builder.table('A')
    const bTable: KTable<number, string> = builder.table('B')
    const fkJoinResult = aTable.join(bTable, fk, joiner, Materialized.as<number, string>('asdf').withKeySerde(I).withValueSerde(S))
    aTable.join(fkJoinResult, joiner).toStream().to('output')
    await validateTopologyCanProcessData(builder)
  })

  it('shouldWorkWithDefaultAndEquiJoinResultSerdes', async () => {
    const builder = new StreamsBuilder()
    const aTable: KTable<number, string> = builder.table('A')
    const bTable: KTable<number, string> = builder.table('B')
    const fkJoinResult = aTable.join(bTable, fk, joiner, Materialized.as<number, string>('asdf'))
    aTable.join(fkJoinResult, joiner, Materialized.with(I, S)).toStream().to('output')
    await validateTopologyCanProcessData(builder)
  })

  it('shouldWorkWithDefaultAndProducedSerdes', async () => {
    const builder = new StreamsBuilder()
    const aTable: KTable<number, string> = builder.table('A')
    const bTable: KTable<number, string> = builder.table('B')
    const fkJoinResult = aTable.join(bTable, fk, joiner, Materialized.as<number, string>('asdf'))
    aTable.join(fkJoinResult, joiner).toStream().to('output', Produced.with(I, S))
    await validateTopologyCanProcessData(builder)
  })

  it('shouldUseExpectedTopicsWithSerde', async () => {
    const applicationId = 'ktable-ktable-joinOnForeignKey'
    // Kafka Streams' UniqueTopicSerdeScope: records the topics each serde is used with
    const registered = new Set<string>()
    const scoped = <T>(inner: Serde<T>, isKey: boolean): Serde<T> => ({
      serialize: (topic, data) => (registered.add(`${topic}--${isKey ? 'key' : 'value'}`), inner.serialize(topic, data)),
      deserialize: (topic, data) => (registered.add(`${topic}--${isKey ? 'key' : 'value'}`), inner.deserialize(topic, data)),
    })
    const builder = new StreamsBuilder()
    const left = builder.table('left_table', Consumed.with(scoped(I, true), scoped(S, false)))
    const right = builder.table('right_table', Consumed.with(scoped(I, true), scoped(S, false)))
    left
      .join(right, (value) => Number.parseInt(value.split('|')[1], 10), (v1, v2) => `(${v1},${v2})`, Materialized.with<number, string>(null, scoped(S, false)))
      .toStream()
      .to('output-topic')
    driver = new TopologyTestDriver(builder.build(), { applicationId })
    await driver.createInputTopic('left_table', I, S).pipeInput(2, 'lhsValue1|1')
    await driver.createInputTopic('right_table', I, S).pipeInput(1, 'rhsValue1')
    const fkJoin = [...registered].filter((t) => t.includes('FK-JOIN') || t.startsWith('output-topic')).sort()
    expect(fkJoin).toEqual(
      [
        // pseudo-topics
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-fk--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-pk--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic-vh--value`,
        // internal topics
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic--key`,
        `${applicationId}-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic--value`,
        // output topics
        'output-topic--key',
        'output-topic--value',
      ].sort(),
    )
  })
})

describe('KTableKTableForeignKeyInnerJoinMultiIntegrationTest', () => {
  it('shouldInnerJoinMultiPartitionQueryable: two chained foreign-key joins (Double for Java Float)', async () => {
    const L = Serdes.Long() as Serde<number>
    const D = Serdes.Double() as Serde<number>
    const builder = new StreamsBuilder()
    const table1 = builder.table('table1', Consumed.with(I, D))
    const table2 = builder.table('table2', Consumed.with(S, L))
    const table3 = builder.table('table3', Consumed.with(I, S))
    table1
      .join(table2, (value) => String(Math.trunc(value)), (v1, v2) => `value1=${v1},value2=${v2}`, Materialized.as<number, string>('store').withKeySerde(I).withValueSerde(S).withCachingDisabled())
      // hardwired to the wanted foreign key, as the Java test
      .join(table3, (value) => (value.includes('value2=10') ? 10 : 0), (v1, v2) => `${v1},value3=${v2}`, Materialized.as<number, string>('storeTwo').withKeySerde(I).withValueSerde(S).withCachingDisabled())
      .toStream()
      .to('output', Produced.with(I, S))
    driver = new TopologyTestDriver(builder.build())
    const t1 = driver.createInputTopic('table1', I, D)
    for (const [k, v] of [[1, 1.33], [2, 2.22], [3, -1.22], [4, -2.22]] as const) await t1.pipeInput(k, v)
    const t2 = driver.createInputTopic('table2', S, L)
    for (let i = 0; i < 10; i++) await t2.pipeInput(String(i), i * 10)
    await driver.createInputTopic('table3', I, S).pipeInput(10, 'waffle')
    const result = driver.createOutputTopic('output', I, S).readKeyValuesToList()
    expect(new Set(result.map((kv) => `${kv.key}:${kv.value}`))).toEqual(new Set(['1:value1=1.33,value2=10,value3=waffle']))
  })
})

describe("foreign-key join topology: Kafka Streams' names", () => {
  it('generated node, store and topic names (KTableImpl.doJoinOnForeignKey)', () => {
    const builder = new StreamsBuilder()
    const left = builder.table('left_table', Consumed.with(I, S))
    const right = builder.table('right_table', Consumed.with(I, S))
    left.join(right, (v) => Number(v), (a, b) => a + b).toStream().to('out')
    const topology = builder.build()
    const nodes = [...topology.builder.nodes.keys()].filter((n) => n.includes('FK-JOIN') || /KSTREAM-(SINK|SOURCE)-00000000(0[89]|1[56])/.test(n))
    expect(nodes.sort()).toEqual(
      [
        'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007',
        'KSTREAM-SINK-0000000008',
        'KSTREAM-SOURCE-0000000009',
        'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011',
        'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012',
        'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013',
        'KSTREAM-SINK-0000000015',
        'KSTREAM-SOURCE-0000000016',
        'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017',
        'KTABLE-FK-JOIN-OUTPUT-0000000018',
      ].sort(),
    )
    expect([...topology.builder.repartitionTopics.keys()]).toEqual([
      'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic',
      'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic',
    ])
    expect(topology.builder.hasStore('KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010')).toBe(true)
    // the next generated name follows the output store's (19): toStream is 20
    expect(topology.builder.nodes.has('KTABLE-TOSTREAM-0000000020')).toBe(true)
  })

  it('TableJoined.as(name): <name>-subscription-registration-topic, -subscription-response-topic, -subscription-store', () => {
    const builder = new StreamsBuilder()
    const left = builder.table('left_table', Consumed.with(I, S))
    const right = builder.table('right_table', Consumed.with(I, S))
    left.leftJoin(right, (v) => Number(v), (a, b) => `${a}${b}`, TableJoined.as('orders-customers')).toStream().to('out')
    const topology = builder.build()
    expect([...topology.builder.repartitionTopics.keys()]).toEqual([
      'orders-customers-subscription-registration-topic',
      'orders-customers-subscription-response-topic',
    ])
    expect(topology.builder.hasStore('orders-customers-subscription-store')).toBe(true)
    const names = [...topology.builder.nodes.keys()].filter((n) => n.startsWith('orders-customers'))
    expect(names).toEqual([
      'orders-customers-subscription-registration-processor',
      'orders-customers-subscription-registration-sink',
      'orders-customers-subscription-registration-source',
      'orders-customers-subscription-receive',
      'orders-customers-subscription-join-foreign',
      'orders-customers-foreign-join-subscription',
      'orders-customers-subscription-response-sink',
      'orders-customers-subscription-response-source',
      'orders-customers-subscription-response-resolver',
      'orders-customers-result',
    ])
    // the subscription topic follows the foreign table's partitions, the response topic the primary table's
    expect(topology.builder.copartitionGroups).toContainEqual(expect.arrayContaining(['orders-customers-subscription-registration-source']))
    expect(topology.builder.copartitionGroups).toContainEqual(expect.arrayContaining(['orders-customers-subscription-response-source']))
  })

  it('the primary-key join keeps its overload: (other, joiner, materialized)', async () => {
    const builder = new StreamsBuilder()
    const left = builder.table('l', Consumed.with(I, S))
    const right = builder.table('r', Consumed.with(I, S))
    left.join(right, (a, b) => `${a}+${b}`, Materialized.with(I, S)).toStream().to('out', Produced.with(I, S))
    driver = new TopologyTestDriver(builder.build())
    await driver.createInputTopic('l', I, S).pipeInput(1, 'a')
    await driver.createInputTopic('r', I, S).pipeInput(1, 'b')
    expect(driver.createOutputTopic('out', I, S).readKeyValuesToMap()).toEqual(new Map([[1, 'a+b']]))
    expect([...builder.build().builder.repartitionTopics.keys()]).toEqual([])
  })

  it('KIP-1104: the extractor gets the key (composite foreign keys)', async () => {
    const builder = new StreamsBuilder()
    // orders keyed "tenant:orderId", customers keyed "tenant:customerId"
    const orders = builder.table('orders', Consumed.with(S, S))
    const customers = builder.table('customers', Consumed.with(S, S))
    orders
      .join(customers, (customerId, orderKey) => `${orderKey.split(':')[0]}:${customerId}`, (customerId, name) => `${customerId}=${name}`)
      .toStream()
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(builder.build())
    const c = driver.createInputTopic('customers', S, S)
    await c.pipeInput('t1:c1', 'Ann')
    await c.pipeInput('t2:c1', 'Bob')
    const o = driver.createInputTopic('orders', S, S)
    await o.pipeInput('t1:o1', 'c1')
    await o.pipeInput('t2:o1', 'c1')
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToMap()).toEqual(new Map([['t1:o1', 'c1=Ann'], ['t2:o1', 'c1=Bob']]))
  })

  it('refuses arguments of the wrong kind with clear errors', () => {
    const builder = new StreamsBuilder()
    const left = builder.table('l', Consumed.with(I, S))
    const right = builder.table('r', Consumed.with(I, S))
    expect(() => left.join(right, (v) => Number(v), (a, b) => a + b, 'x' as never)).toThrow(/TableJoined\?, Materialized\?/)
    expect(() => left.join({} as never, (v: string) => v, (a: string, b: string) => a + b)).toThrow(/must be a KTable/)
    expect(() => TableJoined.with(42 as never, null)).toThrow(/partitioner must be a function/)
  })
})
