import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { Cluster } from '../../../lib/clients/lean/cluster/cluster.js'
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

  it('finds the group coordinator again after COORDINATOR_NOT_AVAILABLE', async () => {
    const cluster = new Cluster(kafka.brokers, { clientId: 'x' }, { retry: { retries: 2, initialBackoffMs: 10 } })
    kafka.faults.failNext('FindCoordinator', 1, 15)
    const conn = await cluster.coordinator('group', 'c-group')
    expect(conn.address).toBe(kafka.brokers[0])
    expect(kafka.faults.active).toBe(false)
    cluster.close()
  })
})
