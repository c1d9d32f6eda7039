import { StreamTask } from '../../../topology/internals/stream-task.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CollectorProducer, ProducedAck, ProducedRecord } from '../../../topology/internals/collector-types.js'
import { RecordCollectorImpl } from '../../../topology/internals/record-collector.js'
import { prepareCommit } from '../../../topology/internals/task-commit.js'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js'

const S = Serdes.String()
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-commit-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

/** Acks each partition at offset 0, or fails every send with `failure`. */
class Producer implements CollectorProducer {
  readonly topics: string[] = []
  constructor(private readonly failure: Error | null = null) {}
  sendBatch(batches: readonly { topic: string; records: readonly ProducedRecord[] }[]): Promise<ProducedAck[]> {
    if (this.failure) return Promise.reject(this.failure)
    for (const b of batches) for (const _ of b.records) this.topics.push(b.topic)
    return Promise.resolve(batches.flatMap((b) => [...new Set(b.records.map((r) => r.partition))].filter((p) => p >= 0).map((partition) => ({ topic: b.topic, partition, baseOffset: 0 }))))
  }
  inTransaction() {
    return false
  }
  beginTransaction() {
    return Promise.resolve()
  }
}

/** A counting topology with a cache large enough to hold every update until the commit flushes it. */
function countingTask(partition: number, producer: Producer) {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('n')).toStream().to('out', Produced.with(S, Serdes.Long()))
  const collector = new RecordCollectorImpl(producer, { transactional: false })
  const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition, applicationId: 'app', stateDir, collector, cacheMaxBytes: 1 << 20 })
  return { task, collector }
}

describe('prepareCommit', () => {
  it("flushes the task's caches into its collector, then the collector, before returning the offsets", async () => {
    const producer = new Producer()
    const unit = countingTask(0, producer)
    await unit.task.initialize()
    await unit.task.start()
    unit.task.addRecords('in', 0, [0, 1, 2].map((offset) => ({ offset, timestamp: 1, key: Buffer.from('k'), value: Buffer.from('v') })))
    await unit.task.process(3)
    expect(producer.topics).toEqual([]) // the cache holds the count; nothing sent yet
    const [prepared] = await prepareCommit([unit])
    expect(prepared).toEqual({ offsets: [{ topic: 'in', partition: 0, offset: 3, partitionTime: 1 }] })
    expect(producer.topics.sort()).toEqual(['app-n-changelog', 'out'])
    expect(unit.collector.ackedOffset('app-n-changelog', 0)).toBe(1)
    await unit.task.close({ clean: false })
  })

  it('reports a collector that could not send per task, with the other tasks prepared', async () => {
    const ok = countingTask(0, new Producer())
    const failing = countingTask(1, new Producer(new Error('not authorized')))
    for (const u of [ok, failing]) {
      await u.task.initialize()
      await u.task.start()
      u.task.addRecords('in', u.task.partition, [{ offset: 0, timestamp: 1, key: Buffer.from('k'), value: Buffer.from('v') }])
      await u.task.process(1)
    }
    const [a, b] = await prepareCommit([ok, failing])
    expect(a).toEqual({ offsets: [{ topic: 'in', partition: 0, offset: 1, partitionTime: 1 }] })
    expect((b!.error as Error).message).toBe('not authorized')
    for (const u of [ok, failing]) await u.task.close({ clean: false })
  })
})
