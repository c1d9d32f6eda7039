import { Partitioners, type PartitionMetadata } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { streamsPartitioner } from '../../../lib/clients/kafkajs/partitioner.js'

const metadata: PartitionMetadata[] = [0, 1, 2, 3, 4, 5].map(partitionId => ({
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
  offlineReplicas: [],
  partitionErrorCode: 0,
}))

describe('streamsPartitioner', () => {
  it("returns a record's own partition without reading the topic's metadata", () => {
    const partition = streamsPartitioner()
    const untouchable = new Proxy(metadata, {
      get() {
        throw new Error('partition metadata was read')
      },
    })
    expect(partition({ topic: 't', partitionMetadata: untouchable, message: { key: 'k', value: 'v', partition: 4 } })).toBe(4)
    expect(partition({ topic: 't', partitionMetadata: untouchable, message: { key: 'k', value: 'v', partition: 0 } })).toBe(0)
  })

  it('hashes the key as the default partitioner does when no partition is set', () => {
    const partition = streamsPartitioner()
    const reference = Partitioners.DefaultPartitioner()
    const chosen = new Set<number>()
    for (const key of ['a', 'b', 'user-17', 'order-9001', 'x', 'y', 'z']) {
      const args = { topic: 't', partitionMetadata: metadata, message: { key: Buffer.from(key), value: null } }
      const p = partition(args)
      expect(p).toBe(reference(args))
      chosen.add(p)
    }
    expect(chosen.size).toBeGreaterThan(1)
  })
})
