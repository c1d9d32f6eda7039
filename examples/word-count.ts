// Word count, the "hello world" of Kafka Streams, run through TopologyTestDriver (no broker).
// `buildWordCountTopology` is shared with the runtime demo. Run: npx tsx examples/word-count.ts
import { pathToFileURL } from 'node:url'
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver, type Topology } from '../lib/index.js'

export interface WordCountTopics {
  input: string
  output: string
  store: string
}

export const WORD_COUNT_DEFAULTS: WordCountTopics = { input: 'text-input', output: 'word-counts', store: 'counts' }

/** Lines in (any key), `word → count` out, every time a word's count changes. */
export function buildWordCountTopology(topics: WordCountTopics = WORD_COUNT_DEFAULTS): Topology {
  const builder = new StreamsBuilder()
  builder
    .stream(topics.input, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => (line ?? '').toLowerCase().split(/\W+/).filter((w) => w.length > 0))
    .groupBy((_key, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as<string, number>(topics.store))
    .toStream()
    .to(topics.output, Produced.with(Serdes.String(), Serdes.Long()))
  return builder.build()
}

async function main(): Promise<void> {
  const topology = buildWordCountTopology()
  console.log(topology.describe().toString())
  const driver = new TopologyTestDriver(topology, { applicationId: 'word-count' })
  try {
    const lines = driver.createInputTopic(WORD_COUNT_DEFAULTS.input, Serdes.String(), Serdes.String())
    const counts = driver.createOutputTopic(WORD_COUNT_DEFAULTS.output, Serdes.String(), Serdes.Long())
    for (const line of ['the stream flows on', 'the table remembers', 'the stream the table']) await lines.pipeInput(null, line)
    for (const { key, value } of counts.readKeyValuesToList()) console.log(`${key}\t${value}`)
    console.log(`"the" counted ${await driver.getKeyValueStore<string, number>(WORD_COUNT_DEFAULTS.store).get('the')} times`)
  } finally {
    await driver.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
