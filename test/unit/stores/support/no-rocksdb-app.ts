// Run by rocksdb-lazy-load.test.ts with no loadable RocksDB binding: imports the package root,
// runs a stateless topology and an in-memory-store count through TopologyTestDriver, then tries
// a persistent store (the RocksDB binding loads then, or fails). Prints one JSON line with what happened.
import { Consumed, Materialized, Produced, Serdes, Stores, StreamsBuilder, TopologyTestDriver } from '../../../../lib/index.js'
import { rocksEngine } from '../../../../stores/rocksdb/load-engine.js'

const S = Serdes.String()
const L = Serdes.Long()

async function run(materialized: Materialized<string, number>): Promise<{ upper: unknown; counts: unknown }> {
  const b = new StreamsBuilder()
  const words = b.stream('words', Consumed.with(S, S))
  words.mapValues((v) => String(v).toUpperCase()).to('upper', Produced.with(S, S))
  words.groupByKey().count(materialized).toStream().to('counts', Produced.with(S, L))
  const driver = new TopologyTestDriver(b.build())
  try {
    await driver.createInputTopic('words', S, S).pipeKeyValueList([
      { key: 'a', value: 'x' },
      { key: 'b', value: 'y' },
      { key: 'a', value: 'z' },
    ])
    return {
      upper: driver.createOutputTopic('upper', S, S).readKeyValuesToList(),
      counts: driver.createOutputTopic('counts', S, L).readKeyValuesToList(),
    }
  } finally {
    await driver.close().catch(() => undefined)
  }
}

const inMemory = await run(Materialized.as<string, number>(Stores.inMemoryKeyValueStore('counts')).withCachingDisabled())
const persistent = await run(Materialized.as<string, number>('counts').withCachingDisabled()).then(
  (out) => ({ opened: true, binding: rocksEngine().packageName, counts: out.counts }),
  (e: Error & { code?: string }) => ({ opened: false, name: e.name, code: e.code, message: e.message }),
)
console.log(JSON.stringify({ inMemory, persistent }))
