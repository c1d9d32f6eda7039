import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { RocksDBOptions } from '../../stores/rocksdb/rocksdb-options.js'
import { wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

describe('rocksDbConfigSetter', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('is called for the RocksDB store of every task with its share of rocksDbMemoryBytes, and its options hold', async () => {
    const input = uniqueName('rocks-cfg-in')
    const output = uniqueName('rocks-cfg-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const state = await tempDir('kstreams-rocks-cfg')
    const seen: { store: string; options: RocksDBOptions }[] = []
    const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
      applicationId: uniqueName('rocks-cfg'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100,
      rocksDbMemoryBytes: 8 * 1024 * 1024,
      rocksDbConfigSetter: (store, options) => {
        seen.push({ store, options: { ...options } })
        options.blockCache = false
      },
    })
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 30_000, 'RUNNING')
      await produce(cluster.kafka, input, [{ key: 'a', value: 'x y x' }])
      const out = await consumeUntil(cluster.kafka, output, rs => rs.some(r => r.key?.toString() === 'x' && Number(r.value!.readBigInt64BE()) === 2))
      expect(out.length).toBeGreaterThan(0)
      // one counts store per task of the aggregating sub-topology (two partitions)
      expect(seen.map(s => s.store)).toEqual(['counts', 'counts'])
      // half of the 8 MiB budget over two memtables, then half of what is left
      expect(seen.map(s => s.options.writeBufferSize)).toEqual([2 * 1024 * 1024, 1024 * 1024])
    } finally {
      await app.close()
      await state.remove()
    }
  })

  it('refuses a setter that is not a function, naming the key', () => {
    expect(() => new KafkaStreams(wordCountTopology('a', 'b'), { ...testClient(),
      applicationId: 'x', brokers: ['localhost:9092'], rocksDbConfigSetter: 'bounded' as never,
    })).toThrow(/rocksDbConfigSetter.*expected a function/)
  })
})
