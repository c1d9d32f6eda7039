import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChangelogRecord } from '../../../stores/state-store.js'
import { Consumed, Produced, Repartitioned, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import type { StreamPartitioner } from '../../../topology/options/produced.js'

const S = Serdes.String()
const dirs: string[] = []
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** k1 → partitions 0 and 2; k2 → none (dropped); k3 → partition 1; others → the default partitioner. */
const partitioner: StreamPartitioner<string, string> = (_topic, key) => {
  if (key === 'k1') return new Set([2, 0, 2])
  if (key === 'k2') return new Set()
  if (key === 'k3') return 1
  return undefined
}

// KIP-837: a stream partitioner may answer a set of partitions (Kafka Streams' RecordCollectorImpl.send).
describe('Repartitioned.withStreamPartitioner multicast', () => {
  it('sends a record to each partition of the set, drops it for an empty set, calls the partitioner once', async () => {
    let calls = 0
    const counting: StreamPartitioner<string, string> = (...args) => {
      calls++
      return partitioner(...args)
    }
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).repartition(Repartitioned.with(S, S).withName('mc').withNumberOfPartitions(3).withStreamPartitioner(counting)).to('out', Produced.with(S, S))
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-multicast-'))
    dirs.push(stateDir)
    const sent: { topic: string; record: ChangelogRecord; partition: number | undefined }[] = []
    const dropped: string[] = []
    const task = new StreamTask({
      topology: b.build(),
      subtopologyId: 0,
      partition: 0,
      applicationId: 'mc',
      stateDir,
      collector: { send: (topic, record, partition) => sent.push({ topic, record, partition }) },
      cacheMaxBytes: 0,
      partitionCount: () => 3,
      onDroppedRecord: ({ reason }) => dropped.push(reason),
      warn: () => {},
    })
    await task.initialize()
    await task.start()
    const raw = (k: string, offset: number) => ({ key: Buffer.from(k), value: Buffer.from(`v${k}`), timestamp: offset, offset })
    task.addRecords('in', 0, [raw('k1', 0), raw('k2', 1), raw('k3', 2), raw('k4', 3)])
    await task.process(10)
    await task.commit()
    await task.close()
    expect(sent.map((s) => [s.topic, s.record.key!.toString(), s.partition])).toEqual([
      ['mc-mc-repartition', 'k1', 2],
      ['mc-mc-repartition', 'k1', 0],
      ['mc-mc-repartition', 'k3', 1],
      ['mc-mc-repartition', 'k4', -1],
    ])
    expect(calls).toBe(4)
    expect(dropped).toEqual(['the stream partitioner chose no partition of topic mc-mc-repartition'])
  })

  it('through the driver: an empty set drops the record and counts it in dropped-records-total', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .repartition(Repartitioned.with(S, S).withStreamPartitioner((_t: string, key: string) => (key === 'k2' ? [] : [0])))
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    for (const k of ['k1', 'k2', 'k3']) await input.pipeInput(k, 'v', 1)
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'k1', value: 'v' },
      { key: 'k3', value: 'v' },
    ])
    expect(driver.metrics().filter((m) => m.name === 'dropped-records-total').map((m) => m.value)).toEqual([1, 0])
  })
})
