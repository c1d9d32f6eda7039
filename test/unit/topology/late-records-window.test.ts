import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Serdes, StreamsBuilder } from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import { TimeWindows } from '../../../topology/windows/time-windows.js'
import { SessionWindows } from '../../../topology/windows/session-windows.js'

const S = Serdes.String()
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function runTask(build: (b: StreamsBuilder) => void, records: [string, number][]) {
  const b = new StreamsBuilder()
  build(b)
  const topology = b.build()
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-late-'))
  dirs.push(stateDir)
  const late: { processor: string; key: unknown; timestamp: number; offset: number }[] = []
  const task = new StreamTask({
    topology,
    subtopologyId: 0,
    partition: 0,
    applicationId: 'late',
    stateDir,
    collector: { send() {} },
    cacheMaxBytes: 0,
    onLateRecord: ({ processor, record, context }) => late.push({ processor, key: record.key, timestamp: record.timestamp, offset: context.offset }),
  })
  await task.initialize()
  task.addRecords(
    'in',
    0,
    records.map(([k, t], offset) => ({ key: Buffer.from(k), value: Buffer.from('v'), timestamp: t, offset })),
  )
  while ((await task.process(100)) > 0) {
    // drain
  }
  await task.close()
  return late
}

describe('late records reach the runtime through StreamTask.onLateRecord', () => {
  it('time windows: each dropped record is reported once with its processor and offset', async () => {
    const late = await runTask(
      (b) => void b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(),
      [
        ['a', 5],
        ['a', 25],
        ['b', 3],
        ['a', 19],
        ['a', 20],
      ],
    )
    expect(late).toEqual([
      { processor: 'KSTREAM-AGGREGATE-0000000002', key: 'b', timestamp: 3, offset: 2 },
      { processor: 'KSTREAM-AGGREGATE-0000000002', key: 'a', timestamp: 19, offset: 3 },
    ])
  })

  it('session windows report too', async () => {
    const late = await runTask(
      (b) => void b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count(),
      [
        ['a', 100],
        ['a', 10],
      ],
    )
    expect(late.map((l) => [l.key, l.timestamp])).toEqual([['a', 10]])
  })
})
