// num.partitions: topics created without a count (-1) get EmbeddedKafka's defaultPartitions, whether
// created by the API, by CreateTopics or by a Metadata request that auto-creates them.
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { LogManager } from '../../../broker/log/log-manager.js'
import { CreateTopics, Metadata, RawClient } from './raw-client.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function setup() {
  const k = await EmbeddedKafka.start({ port: 0, defaultPartitions: 3 })
  cleanup.push(() => k.stop())
  const c = await RawClient.connect(k.port)
  cleanup.push(() => c.close())
  const partitionsOf = (topic: string) => k.internals.logs.topics().find((t) => t.name === topic)?.partitions
  return { k, c, partitionsOf }
}

describe('defaultPartitions', () => {
  it('applies to createTopic without a count or with -1; an explicit count wins', async () => {
    const { k, partitionsOf } = await setup()
    k.createTopic('implicit')
    k.createTopic('minus-one', -1)
    k.createTopic('explicit', 5)
    expect([partitionsOf('implicit'), partitionsOf('minus-one'), partitionsOf('explicit')]).toEqual([3, 3, 5])
    expect(() => k.createTopic('zero', 0)).toThrow(/createTopic\("zero"\).*partitions/)
  })

  it('applies to CreateTopics with numPartitions -1, including validateOnly', async () => {
    const { c, partitionsOf } = await setup()
    const create = async (name: string, numPartitions: number, validateOnly = false) => (await c.request(CreateTopics, 5, {
      topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly,
    })).body.topics[0]
    expect(await create('dry-run', -1, true)).toMatchObject({ errorCode: 0, numPartitions: 3 })
    expect(partitionsOf('dry-run')).toBeUndefined()
    expect(await create('by-request', -1)).toMatchObject({ errorCode: 0, numPartitions: 3 })
    expect(partitionsOf('by-request')).toBe(3)
    expect(await create('counted', 2)).toMatchObject({ errorCode: 0, numPartitions: 2 })
  })

  it('applies to topics auto-created by Metadata', async () => {
    const { c, partitionsOf } = await setup()
    const r = (await c.request(Metadata, 9, { topics: [{ name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })).body
    expect(r.topics[0].partitions).toHaveLength(3)
    expect(partitionsOf('auto')).toBe(3)
  })

  it('is a LogManager option, 1 unless given', () => {
    const plain = new LogManager({})
    expect(plain.createTopic('a', -1, {})).toBe(0)
    const four = new LogManager({ defaultPartitions: 4 })
    expect(four.createTopic('a', -1, {})).toBe(0)
    expect([plain.topics()[0]!.partitions, four.topics()[0]!.partitions]).toEqual([1, 4])
  })
})
