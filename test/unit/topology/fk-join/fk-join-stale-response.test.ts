// Out-of-order responses (Kafka Streams' ResponseJoinProcessorSupplier, KIP-213's race): a response
// made for an older value of the primary row is dropped by its hash, through a whole topology.
import { afterEach, expect, it } from 'vitest'
import { Consumed, Produced, Serdes, StreamsBuilder, TableJoined, TopologyTestDriver } from '../../../../topology/index.js'
import type { Serde } from '../../../../stores/serde.js'
import { murmur3Hash128 } from '../../../../topology/joins/foreign-key/murmur3.js'
import { SubscriptionResponseWrapperSerde, type SubscriptionResponseWrapper } from '../../../../topology/joins/foreign-key/subscription-response-wrapper.js'

const S = Serdes.String() as Serde<string>
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

it('a response answering a value the row no longer has is dropped; one answering its current value joins', async () => {
  const builder = new StreamsBuilder()
  const left = builder.table('left', Consumed.with(S, S))
  const right = builder.table('right', Consumed.with(S, S))
  left
    .join(right, (v) => v.split('|')[1], (v, r) => `(${v},${r})`, TableJoined.as('fk'))
    .toStream()
    .to('out', Produced.with(S, S))
  driver = new TopologyTestDriver(builder.build())
  const out = driver.createOutputTopic('out', S, S)
  await driver.createInputTopic('right', S, S).pipeInput('rhs1', 'r1')
  await driver.createInputTopic('right', S, S).pipeInput('rhs2', 'r2')
  const lhs = driver.createInputTopic('left', S, S)
  await lhs.pipeInput('lhs1', 'a|rhs1')
  await lhs.pipeInput('lhs1', 'b|rhs2')
  expect(out.readKeyValuesToList()).toEqual([
    { key: 'lhs1', value: '(a|rhs1,r1)' },
    { key: 'lhs1', value: '(b|rhs2,r2)' },
  ])

  // The answer to the first value arrives late, after the foreign key moved on.
  const responses = driver.createInputTopic<string, SubscriptionResponseWrapper<string>>(
    driver.internalTopicName('fk-subscription-response-topic'),
    S,
    new SubscriptionResponseWrapperSerde<string>(S),
  )
  const hashOf = (value: string) => murmur3Hash128(Buffer.from(value))
  await responses.pipeInput('lhs1', { originalValueHash: hashOf('a|rhs1'), foreignValue: 'r1-late', version: 0, primaryPartition: 0 })
  expect(out.readKeyValuesToList()).toEqual([])
  await responses.pipeInput('lhs1', { originalValueHash: hashOf('b|rhs2'), foreignValue: 'r2-again', version: 0, primaryPartition: 0 })
  expect(out.readKeyValuesToList()).toEqual([{ key: 'lhs1', value: '(b|rhs2,r2-again)' }])
})
