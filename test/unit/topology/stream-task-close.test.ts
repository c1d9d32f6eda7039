// StreamTask.close: the caller commits first; a clean close flushes nothing again and writes the
// checkpoint of what that commit made durable; a dirty close writes none.
import { StreamTask } from '../../../topology/internals/stream-task.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { taskCheckpoint } from '../../../stores/checkpoint/task-state.js'
import type { ChangelogRecord, RecordCollector } from '../../../stores/state-store.js'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver, type RawRecord } from '../../../topology/index.js'

const S = Serdes.String()
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-task-close-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

class Capture implements RecordCollector {
  sent: { topic: string; value: string | null }[] = []
  send(topic: string, r: ChangelogRecord) {
    this.sent.push({ topic, value: r.value?.toString() ?? null })
  }
}

const raw = (offset: number, key: string, value: string): RawRecord => ({ offset, timestamp: offset, key: Buffer.from(key), value: Buffer.from(value) })

function countingTopology() {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')).toStream().mapValues((v) => String(v)).to('out', Produced.with(S, S))
  return b.build()
}

describe('StreamTask.close', () => {
  it('a clean close after the commit flushes the stores once, not twice', async () => {
    const out = new Capture()
    const task = new StreamTask({ topology: countingTopology(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: out, cacheMaxBytes: 1 << 20 })
    await task.initialize()
    const store = task.getStore('counts')!
    const flush = vi.spyOn(store, 'flush')
    task.addRecords('in', 0, [raw(0, 'a', 'x'), raw(1, 'a', 'y')])
    await task.process(10)
    await task.commit()
    expect(flush).toHaveBeenCalledTimes(1)
    await task.close({ clean: true })
    expect(flush).toHaveBeenCalledTimes(1)
    // the cache forwarded the deduplicated count once, at the commit
    expect(out.sent.filter((r) => r.topic === 'out').map((r) => r.value)).toEqual(['2'])
  })

  it('a clean close writes the checkpoint of the restored position; a dirty close writes none', async () => {
    const topology = countingTopology()
    const clean = new StreamTask({ topology, subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: new Capture(), cacheMaxBytes: 0 })
    await clean.initialize()
    clean.stateManager.restored('app-counts-changelog', 0, 42)
    await clean.start()
    await clean.commit()
    await clean.close({ clean: true })
    const read = await taskCheckpoint(clean.taskDir).read()
    expect([...read.offsets.values()]).toEqual([{ topic: 'app-counts-changelog', partition: 0, offset: 42 }])

    rmSync(stateDir, { recursive: true, force: true })
    const dirty = new StreamTask({ topology, subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: new Capture(), cacheMaxBytes: 0 })
    await dirty.initialize()
    dirty.stateManager.restored('app-counts-changelog', 0, 42)
    await dirty.start()
    await dirty.close({ clean: false })
    expect((await taskCheckpoint(dirty.taskDir).read()).status).toBe('missing')
  })

  it('TopologyTestDriver.close commits before closing: cached results still reach the output', async () => {
    const driver = new TopologyTestDriver(countingTopology(), { stateDir })
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 1)
    const outTopic = driver.createOutputTopic('out', S, S)
    expect(outTopic.readValuesToList()).toEqual(['1'])
    const store = await driver.getStateStore('counts')
    const flush = vi.spyOn(store, 'flush')
    await driver.close()
    expect(flush).toHaveBeenCalledTimes(1)
  })
})
