// The public API contract (API.md, "Kafka Streams 4.x parity"): foreign-key table-table joins,
// written the way users write them, with every name imported from the package root.
import { describe, expect, it } from 'vitest'
import { Consumed, KeyValue, Materialized, Produced, Serdes, StreamsBuilder, TableJoined, TopologyTestDriver, type KTable } from '../../lib/index.js'

describe('API.md: foreign-key table-table joins (KIP-213, KIP-1104)', () => {
  it('table.join / leftJoin(other, (value, key) => fk, joiner, TableJoined?, Materialized?)', async () => {
    const S = Serdes.String()
    const builder = new StreamsBuilder()
    const orders = builder.table('orders', Consumed.with(S, S))
    const customers = builder.table('customers', Consumed.with(S, S))
    const inner: KTable<string, string> = orders.join(
      customers,
      (order: string, _orderId: string) => order.split('|')[0],
      (order: string, name: string) => `${order.split('|')[1]} for ${name}`,
      TableJoined.as('order-customer'),
      Materialized.as<string, string>('orders-with-customer'),
    )
    inner.toStream().to('inner', Produced.with(S, S))
    const left = orders.leftJoin(
      customers,
      (order) => order.split('|')[0],
      (order, name: string | null) => `${order.split('|')[1]} for ${name ?? 'nobody'}`,
      TableJoined.with<string, string>(null, null).withName('order-customer-left'),
    )
    left.toStream().to('left', Produced.with(S, S))
    const driver = new TopologyTestDriver(builder.build())
    try {
      await driver.createInputTopic('orders', S, S).pipeInput('o1', 'c1|book')
      await driver.createInputTopic('customers', S, S).pipeInput('c1', 'Ann')
      expect(driver.createOutputTopic('inner', S, S).readKeyValuesToList()).toEqual([KeyValue.pair('o1', 'book for Ann')])
      expect(driver.createOutputTopic('left', S, S).readKeyValuesToList()).toEqual([KeyValue.pair('o1', 'book for nobody'), KeyValue.pair('o1', 'book for Ann')])
      expect(await driver.getKeyValueStore('orders-with-customer').get('o1')).toBe('book for Ann')
      // <applicationId>-<name>-subscription-registration-topic and -subscription-response-topic
      expect(driver.producedTopicNames()).toEqual(
        expect.arrayContaining([
          driver.internalTopicName('order-customer-subscription-registration-topic'),
          driver.internalTopicName('order-customer-subscription-response-topic'),
        ]),
      )
    } finally {
      await driver.close()
    }
  })
})
