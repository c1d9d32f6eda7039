// A strict TypeScript application type-checked against the shipped declarations only (the test
// copies it in as main.mts, main.cts and main.ts). It must not use top-level await (main.cts).
import {
  KafkaStreams,
  StreamsBuilder,
  Consumed,
  Produced,
  Materialized,
  Serdes,
  MissingDependencyError,
  type StreamsConfig,
  type Topology,
} from 'kstreams'
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from 'kstreams/testing'
import { EmbeddedKafka, EmbeddedSchemaRegistry } from 'kstreams/broker'
import { fixKafkajsReadCommitted } from 'kstreams/kafkajs'
import { Kafka } from 'kafkajs'

export function buildTopology(): Topology {
  const builder = new StreamsBuilder()
  const words = builder.stream('words', Consumed.with(Serdes.String(), Serdes.String()))
  words.mapValues((v) => v?.toUpperCase() ?? '').to('shouted', Produced.with(Serdes.String(), Serdes.String()))
  words
    .groupByKey()
    .count(Materialized.as('counts'))
    .toStream()
    .to('counts', Produced.with(Serdes.String(), Serdes.Long()))
  return builder.build()
}

export async function testTopology(): Promise<string[]> {
  const driver = new TopologyTestDriver(buildTopology())
  const input: TestInputTopic<string, string> = driver.createInputTopic('words', Serdes.String(), Serdes.String())
  const output: TestOutputTopic<string, string> = driver.createOutputTopic('shouted', Serdes.String(), Serdes.String())
  await input.pipeInput('a', 'hello', 1_000)
  const shouted = output.readKeyValuesToList().map((kv) => `${kv.key}=${kv.value}`)
  const count: number | null | undefined = await driver.getKeyValueStore<string, number>('counts').get('a')
  await driver.close()
  return [...shouted, `a=${count ?? 0}`]
}

export async function runOnEmbeddedBroker(): Promise<void> {
  const broker = await EmbeddedKafka.start()
  const registry = await EmbeddedSchemaRegistry.start()
  const config: StreamsConfig = {
    applicationId: 'strict-app',
    brokers: broker.brokers,
    processingGuarantee: 'exactly_once_v2',
  }
  const app = new KafkaStreams(buildTopology(), config)
  app.on('error', (err: Error) => console.error(err.message))
  await app.start()
  fixKafkajsReadCommitted(new Kafka({ brokers: broker.brokers }))
  try {
    Serdes.Avro<{ amount: number }>({ schema: { type: 'record', name: 'A', fields: [] }, registryUrl: registry.url })
  } catch (err) {
    if (err instanceof MissingDependencyError) console.error(`install ${err.packageName}`)
  }
  await app.close()
  await registry.stop()
  await broker.stop()
}
