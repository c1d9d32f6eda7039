import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Cluster } from '../../../lib/clients/lean/cluster/cluster.js'
import { Fetcher } from '../../../lib/clients/lean/consumer/fetcher.js'
import { Api } from '../../../lib/clients/lean/net/apis.js'
import { BrokerNetworkError, KafkaResponseError } from '../../../lib/clients/lean/errors.js'
import { classifyClientError } from '../../../lib/clients/errors.js'

describe('lean client: cluster', () => {
  let kafka: EmbeddedKafka
  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
  })
  afterAll(async () => {
    await kafka.stop()
  })

  it('fails to bootstrap from an unreachable broker with a retriable error naming it, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const cluster = new Cluster(['127.0.0.1:1'], { clientId: 'x', connectionTimeoutMs: 500 }, { retry: { retries: 1, initialBackoffMs: 10 } })
      const results = await Promise.allSettled([cluster.connect(), cluster.metadata(['a']), cluster.metadata(['b'])])
      for (const r of results) {
        expect(r.status).toBe('rejected')
        const err = (r as PromiseRejectedResult).reason
        expect(err).toBeInstanceOf(BrokerNetworkError)
        expect(err.message).toContain('127.0.0.1:1')
        expect(classifyClientError(err)).toBe('retriable')
      }
      await new Promise(r => setTimeout(r, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('learns partition leaders, forgets them on demand, and names a missing partition', async () => {
    kafka.createTopic('c-topic', 2)
    const cluster = new Cluster(kafka.brokers, { clientId: 'x' }, { retry: { retries: 1, initialBackoffMs: 10 } })
    await cluster.connect()
    expect((await cluster.leaderFor('c-topic', 1)).address).toBe(kafka.brokers[0])
    cluster.invalidate('c-topic')
    expect(cluster.cached('c-topic')).toBeUndefined()
    const err = await cluster.leaderFor('c-topic', 5).catch(e => e)
    expect(err).toBeInstanceOf(KafkaResponseError)
    expect(err.message).toContain('c-topic-5')
    expect(classifyClientError(err)).toBe('unknown_topic')
    cluster.close()
  })

  it('refreshes metadata older than its max age on use, and keeps younger metadata cached', async () => {
    kafka.createTopic('c-grow', 1)
    const fresh = new Cluster(kafka.brokers, { clientId: 'x' }, { metadataMaxAgeMs: 0 })
    const cached = new Cluster(kafka.brokers, { clientId: 'x' })
    expect((await fresh.metadata(['c-grow'])).get('c-grow')!.partitions).toHaveLength(1)
    expect((await cached.metadata(['c-grow'])).get('c-grow')!.partitions).toHaveLength(1)
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createPartitions({ topicPartitions: [{ topic: 'c-grow', count: 3 }] })
    await admin.disconnect()
    await new Promise(r => setTimeout(r, 5))
    expect((await fresh.metadata(['c-grow'])).get('c-grow')!.partitions).toHaveLength(3)
    expect((await cached.metadata(['c-grow'])).get('c-grow')!.partitions).toHaveLength(1)
    expect((await cached.metadata(['c-grow'], true)).get('c-grow')!.partitions).toHaveLength(3)
    fresh.close()
    cached.close()
  })

  it('finds the group coordinator again after COORDINATOR_NOT_AVAILABLE', async () => {
    const cluster = new Cluster(kafka.brokers, { clientId: 'x' }, { retry: { retries: 2, initialBackoffMs: 10 } })
    kafka.faults.failNext('FindCoordinator', 1, 15)
    const conn = await cluster.coordinator('group', 'c-group')
    expect(conn.address).toBe(kafka.brokers[0])
    expect(kafka.faults.active).toBe(false)
    cluster.close()
  })

  it("answers a coordinator's requests while a long-polling fetch holds the same broker's data connection", async () => {
    kafka.createTopic('c-poll', 1)
    const cluster = new Cluster(kafka.brokers, { clientId: 'x' }, { retry: { retries: 1, initialBackoffMs: 10 } })
    const fetcher = new Fetcher(cluster, 20_000)
    fetcher.assign([{ topic: 'c-poll', partition: 0, offset: 0 }])
    let fetched = false
    // the topic is empty: the broker holds this fetch for its whole max wait
    const round = fetcher.round({ onRecords: () => {} }, () => true).finally(() => { fetched = true })
    await new Promise(r => setTimeout(r, 50))
    const coordinator = await cluster.coordinator('group', 'c-poll-group')
    expect(coordinator).not.toBe(await cluster.leaderFor('c-poll', 0))
    await coordinator.request(Api.FindCoordinator, v => (v >= 4 ? { keyType: 0, coordinatorKeys: ['c-poll-group'] } : { key: 'c-poll-group', keyType: 0 }))
    expect(fetched).toBe(false)
    cluster.close()
    await round.catch(() => {})
  })
})
