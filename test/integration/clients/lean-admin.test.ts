import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { LeanAdminClient } from '../../../lib/clients/lean/admin.js'
import { Cluster } from '../../../lib/clients/lean/cluster/cluster.js'
import { KafkaResponseError } from '../../../lib/clients/lean/errors.js'
import { classifyClientError } from '../../../lib/clients/errors.js'

describe('lean client: admin', () => {
  let kafka: EmbeddedKafka
  let admin: LeanAdminClient
  let kjs: Kafka

  beforeAll(async () => {
    kafka = await EmbeddedKafka.start({ port: 0, autoCreateTopics: false })
    admin = new LeanAdminClient(new Cluster(kafka.brokers, { clientId: 'lean-admin', requestTimeoutMs: 5000 }, { retry: { retries: 3, initialBackoffMs: 20 } }))
    await admin.connect()
    kjs = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING })
  })
  afterAll(async () => {
    await admin.disconnect()
    await kafka.stop()
  })

  it('creates topics (an existing one is no error), lists them and counts their partitions', async () => {
    await admin.createTopics([{ topic: 'adm-a', numPartitions: 3, replicationFactor: -1, config: { 'cleanup.policy': 'compact' } }])
    await admin.createTopics([
      { topic: 'adm-a', numPartitions: 3, replicationFactor: -1, config: {} },
      { topic: 'adm-b', numPartitions: 2, replicationFactor: 1, config: {} },
    ])
    expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(['adm-a', 'adm-b']))
    expect(await admin.partitionCounts(['adm-a', 'adm-b', 'adm-missing'])).toEqual(new Map([['adm-a', 3], ['adm-b', 2]]))
    const configs = await admin.topicConfigs(['adm-a'])
    expect(configs.get('adm-a')!['cleanup.policy']).toBe('compact')
  })

  it('deletes topics', async () => {
    await admin.createTopics([{ topic: 'adm-del', numPartitions: 1, replicationFactor: -1, config: {} }])
    await admin.deleteTopics(['adm-del'])
    expect(await admin.listTopics()).not.toContain('adm-del')
  })

  it('deletes records, resets a group to the start and reads its committed offsets, across a coordinator move', async () => {
    await admin.createTopics([{ topic: 'adm-rec', numPartitions: 2, replicationFactor: -1, config: {} }])
    const producer = kjs.producer()
    await producer.connect()
    await producer.send({ topic: 'adm-rec', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })) })
    await producer.disconnect()
    await admin.deleteRecordsBefore([{ topic: 'adm-rec', partition: 0, offset: 3 }])
    expect(await admin.committedOffsets('adm-group', ['adm-rec'])).toEqual([])
    kafka.faults.failNext('OffsetCommit', 1, 16) // NOT_COORDINATOR: find it again and retry
    await admin.resetOffsetsToEarliest('adm-group', 'adm-rec')
    kafka.faults.failNext('OffsetFetch', 1, 15) // COORDINATOR_NOT_AVAILABLE
    const committed = await admin.committedOffsets('adm-group', ['adm-rec'])
    expect(kafka.faults.active).toBe(false)
    expect(committed.sort((a, b) => a.partition - b.partition).map(o => [o.partition, o.offset])).toEqual([[0, 3], [1, 0]])
  })

  it('gives an error code it does not know back as a typed error naming the broker, API and topic', async () => {
    kafka.faults.failNext('CreateTopics', 1, 999)
    const err = await admin.createTopics([{ topic: 'adm-unknown', numPartitions: 1, replicationFactor: -1, config: {} }]).catch(e => e)
    expect(err).toBeInstanceOf(KafkaResponseError)
    expect(err.code).toBe(999)
    expect(err.message).toBe(`CreateTopics to broker 127.0.0.1:${kafka.port} for topic adm-unknown failed: UNKNOWN_ERROR_CODE_999 (error code 999): Error code 999 is not known to this client.`)
    expect(classifyClientError(err)).toBe('fatal')
  })
})
