import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Serdes } from '../../topology/serdes/serdes.js'
import { TimeWindows } from '../../topology/windows/time-windows.js'
import { createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const DAY = 86_400_000

describe('approximateCountDistinct on the embedded broker', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('interactive queries answer estimates; an instance with an empty state directory restores the sketches from the changelog', async () => {
    const input = uniqueName('uv-in')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }])
    const applicationId = uniqueName('uv-app')
    const topology = () => {
      const b = new StreamsBuilder()
      const S = Serdes.String()
      const grouped = b.stream(input, Consumed.with(S, S)).groupByKey()
      grouped.approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('visitors'))
      grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(DAY)).approximateCountDistinct((_page, user) => user, Materialized.as<string, number>('daily'))
      return b.build()
    }
    const visits = (users: string[]) => users.map((user) => ({ key: '/home', value: user }))
    const run = async (check: (app: KafkaStreams) => Promise<void>) => {
      const state = await tempDir('kstreams-uv')
      const app = new KafkaStreams(topology(), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
      try {
        await app.start()
        await waitFor(() => app.state === 'RUNNING', 20_000, 'RUNNING')
        await check(app)
      } finally {
        await app.close()
        await state.remove()
      }
    }

    await produce(cluster.kafka, input, visits(['ann', 'bob', 'ann', 'cid']))
    await run(async (app) => {
      const visitors = await app.store<string, number>('visitors')
      await waitFor(async () => (await visitors.get('/home')) === 3, 20_000, '3 visitors')
      const daily = await app.store<string, number>('daily', { type: 'window' })
      const days = async () => {
        const out: number[] = []
        for await (const { key, value } of daily.all()) if (key.key === '/home') out.push(value)
        return out
      }
      await waitFor(async () => (await days()).join() === '3', 20_000, '3 visitors today')
    })

    // A fresh state directory: the sketches come back from the changelog, so repeats stay repeats.
    await produce(cluster.kafka, input, visits(['bob', 'cid', 'dan']))
    await run(async (app) => {
      const visitors = await app.store<string, number>('visitors')
      await waitFor(async () => (await visitors.get('/home')) === 4, 20_000, '4 visitors after the restore')
      expect(await visitors.get('/home')).toBe(4)
    })
  })
})
