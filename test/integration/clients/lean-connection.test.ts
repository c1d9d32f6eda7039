import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { BrokerConnection } from '../../../lib/clients/lean/net/connection.js'
import { Api } from '../../../lib/clients/lean/net/apis.js'
import { BrokerNetworkError, KafkaResponseError } from '../../../lib/clients/lean/errors.js'
import { classifyClientError } from '../../../lib/clients/errors.js'

describe('lean client: broker connection', () => {
  let kafka: EmbeddedKafka
  let conn: BrokerConnection

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0 })
    conn = new BrokerConnection('127.0.0.1', kafka.port, { clientId: 'lean-test', requestTimeoutMs: 2000 })
  })
  afterAll(async () => {
    conn.close()
    await kafka.stop()
  })

  it('negotiates the highest version both sides speak and answers requests', async () => {
    await conn.connect()
    expect(conn.versionOf(Api.Metadata)).toBe(12)
    expect(conn.versionOf(Api.Produce)).toBeGreaterThanOrEqual(3)
    const res = await conn.request(Api.Metadata, { topics: [], allowAutoTopicCreation: false })
    expect(res.brokers.map(b => b.port)).toEqual([kafka.port])
  })

  it('answers many requests in flight at once, each with its own response', async () => {
    kafka.createTopic('conn-many', 3)
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      conn.request(Api.Metadata, { topics: [{ name: i % 2 === 0 ? 'conn-many' : 'missing-topic', topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false })))
    results.forEach((r, i) => expect(r.topics[0]!.errorCode).toBe(i % 2 === 0 ? 0 : 3))
  })

  it('times a request out with an error naming the broker, API and version', async () => {
    kafka.faults.delay('Metadata', 1000)
    try {
      const err = await conn.request(Api.Metadata, { topics: [] }, { timeoutMs: 100 }).catch(e => e)
      expect(err).toBeInstanceOf(BrokerNetworkError)
      expect(err.message).toContain(`Metadata v12 to broker 127.0.0.1:${kafka.port} timed out`)
      expect(classifyClientError(err)).toBe('retriable')
    } finally {
      kafka.faults.clear()
    }
  })

  it('fails requests in flight when the connection drops, and reconnects on the next request', async () => {
    kafka.faults.delay('Metadata', 300)
    const inFlight = conn.request(Api.Metadata, { topics: [] }).catch(e => e)
    await new Promise(r => setTimeout(r, 50))
    kafka.faults.dropConnections()
    const err = await inFlight
    kafka.faults.clear()
    expect(err).toBeInstanceOf(BrokerNetworkError)
    expect(err.message).toContain(`broker 127.0.0.1:${kafka.port} lost`)
    expect(err.message).toContain('Metadata v12 in flight')
    expect(classifyClientError(err)).toBe('retriable')
    const res = await conn.request(Api.Metadata, { topics: [] })
    expect(res.brokers).toHaveLength(1)
  })

  it('names the broker when it cannot connect', async () => {
    const dead = new BrokerConnection('127.0.0.1', 1, { clientId: 'x', connectionTimeoutMs: 1000 })
    const err = await dead.connect().catch(e => e)
    expect(err).toBeInstanceOf(BrokerNetworkError)
    expect(err.message).toContain('Cannot connect to broker 127.0.0.1:1')
    expect(classifyClientError(err)).toBe('retriable')
  })

  it('reports a SASL mechanism the broker does not enable as a typed error', async () => {
    const sasl = new BrokerConnection('127.0.0.1', kafka.port, { clientId: 'x', sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } })
    const err = await sasl.connect().catch(e => e)
    expect(err).toBeInstanceOf(KafkaResponseError)
    expect(err.code).toBe(33)
    expect(err.message).toContain(`SaslHandshake to broker 127.0.0.1:${kafka.port} for mechanism SCRAM-SHA-256 failed: UNSUPPORTED_SASL_MECHANISM`)
    expect(sasl.connected).toBe(false)
  })
})
