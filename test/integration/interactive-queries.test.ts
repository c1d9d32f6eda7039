import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import type { KeyValue, Windowed } from '../../stores/key-value.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { SessionWindows } from '../../topology/windows/session-windows.js'
import { TimeWindows } from '../../topology/windows/time-windows.js'
import { createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

const HOUR = 3_600_000

describe('interactive queries by store type', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('answers key-value, window, session and global stores, and names the store at fault', async () => {
    const input = uniqueName('iq-in')
    const names = uniqueName('iq-names')
    await createTopics(cluster.kafka, [
      { topic: input, numPartitions: 2 },
      { topic: names, numPartitions: 2 },
    ])
    const b = new StreamsBuilder()
    const S = Serdes.String()
    b.globalTable(names, Consumed.with(S, S), Materialized.as<string, string>('names'))
    const grouped = b.stream(input, Consumed.with(S, S)).groupByKey()
    grouped.count(Materialized.as<string, number>('counts'))
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(HOUR)).count(Materialized.as<string, number>('hourly'))
    grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(HOUR)).count(Materialized.as<string, number>('visits'))
    await produce(cluster.kafka, names, [{ key: 'a', value: 'Ann' }, { key: 'b', value: 'Bob' }])
    await produce(cluster.kafka, input, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: '3' }])

    const state = await tempDir('kstreams-iq')
    const app = new KafkaStreams(b.build(), { ...testClient(), applicationId: uniqueName('iq-app'), brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
    try {
      await app.start()
      await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
      const counts = await app.store<string, number>('counts')
      await waitFor(async () => (await counts.get('a')) === 2 && (await counts.get('b')) === 1, 20_000, 'counts')

      const hourly = await app.store<string, number>('hourly', { type: 'window' })
      expect(hourly.windowSize).toBe(HOUR)
      const windows: KeyValue<Windowed<string>, number>[] = await collect(hourly.all())
      expect(windows.map(w => [w.key.key, w.value]).sort()).toEqual([['a', 2], ['b', 1]])
      const aWindow = windows.find(w => w.key.key === 'a')!.key.window
      expect(await hourly.fetch('a', aWindow.start)).toBe(2)
      expect(await collect(hourly.fetchRange('b', 0, Date.now()))).toHaveLength(1)

      const visits = await app.store<string, number>('visits', { type: 'session' })
      const sessions = await collect(visits.fetch('a'))
      expect(sessions.map(s => s.value)).toEqual([2])
      expect(await visits.fetchSession('a', sessions[0]!.key.window.start, sessions[0]!.key.window.end)).toBe(2)

      const global = await app.store<string, string>('names')
      expect(await global.get('b')).toBe('Bob')
      expect((await collect(global.all())).map(kv => kv.key).sort()).toEqual(['a', 'b'])

      await expect(app.store('hourly')).rejects.toThrow(`State store "hourly" is a window store, not a keyValue store; query it with store('hourly', { type: 'window' })`)
      await expect(app.store('counts', { type: 'session' })).rejects.toThrow('State store "counts" is a keyValue store, not a session store')
      await expect(app.store('nope')).rejects.toThrow(/State store "nope" does not exist in this topology \(stores: .*counts/)
    } finally {
      await app.close()
      await state.remove()
    }
  })
})
