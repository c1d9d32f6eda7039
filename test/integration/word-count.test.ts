import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { StreamsState } from '../../lib/lifecycle/streams-state.js'
import { Stores } from '../../stores/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Grouped } from '../../topology/options/grouped.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Produced } from '../../topology/options/produced.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

function wordCountTopology(input: string, output: string) {
  const builder = new StreamsBuilder()
  builder
    .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues(v => (v ?? '').toLowerCase().split(/\W+/).filter(w => w.length > 0))
    .groupBy((_k, w) => w, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as<string, number>(Stores.persistentKeyValueStore('counts')).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()))
  return builder.build()
}

const lines = ['the quick brown fox', 'jumps over the lazy dog', 'the dog sleeps', 'a fox runs']
const expected = new Map<string, number>()
for (const l of lines) for (const w of l.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1)

/** Final count per word as seen by a read_committed consumer (last value per key wins). */
function lastCounts(records: { key: Buffer | null; value: Buffer | null }[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of records) m.set(r.key!.toString(), Number(r.value!.readBigInt64BE()))
  return m
}

describe.each(['at_least_once', 'exactly_once_v2'] as const)('word count end to end (%s)', guarantee => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('counts words into the output topic and the local store', async () => {
    const input = uniqueName('text')
    const output = uniqueName('counts')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const state = await tempDir('kstreams-wc')
    const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(),
      applicationId: uniqueName('wc'),
      brokers: cluster.brokers,
      processingGuarantee: guarantee,
      stateDir: state.dir,
      commitIntervalMs: 100,
      repartitionPurgeIntervalMs: 100,
      ...testClient(),
    })
    const states: StreamsState[] = []
    app.on('stateChange', next => states.push(next))
    try {
      await app.start()
      await produce(cluster.kafka, input, lines.map((l, i) => ({ key: String(i), value: l })))
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const c = lastCounts(rs)
        return [...expected].every(([w, n]) => c.get(w) === n)
      })
      expect(lastCounts(records)).toEqual(expected)
      await waitFor(() => app.state === 'RUNNING', 10_000, 'RUNNING')
      const store = await app.store<string, number>('counts')
      expect(await store.get('the')).toBe(3)
      expect(await store.get('fox')).toBe(2)
      expect(await store.get('missing')).toBeNull()
      const all = new Map<string, number>()
      for await (const kv of store.all()) all.set(kv.key, kv.value)
      expect(all).toEqual(expected)
      // Consumed repartition records are purged once committed.
      const admin = cluster.kafka.admin()
      await admin.connect()
      try {
        const repartition = (await admin.listTopics()).find(t => t.endsWith('-repartition') && t.startsWith(app.config.applicationId))!
        await waitFor(async () => (await admin.fetchTopicOffsets(repartition)).some(p => Number(p.low) > 0), 10_000, 'repartition purge')
      } finally {
        await admin.disconnect()
      }
      const processed = app.metrics().filter(m => m.name === 'records_processed_total').reduce((s, m) => s + m.value, 0)
      expect(processed).toBeGreaterThanOrEqual(lines.length)
    } finally {
      await app.close()
      await state.remove()
    }
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING'])
  })
})
