import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, Materialized, Produced, Serdes, StreamJoined, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { JoinWindows } from '../../../topology/windows/join-windows.js'
import { TimeWindows } from '../../../topology/windows/time-windows.js'

const I = Serdes.Integer()
const S = Serdes.String()
const dirs: string[] = []
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function leftJoinTopology() {
  const b = new StreamsBuilder()
  b.stream('topic1', Consumed.with(I, S))
    .leftJoin(
      b.stream('topic2', Consumed.with(I, S)),
      (l: string | null, r: string | null) => `${l}+${r}`,
      JoinWindows.ofTimeDifferenceAndGrace(100, 10),
      StreamJoined.with(I, S, S),
    )
    .to('out', Produced.with(I, S))
  return b.build()
}

function open(stateDir: string) {
  const d = new TopologyTestDriver(leftJoinTopology(), { stateDir, initialWallClockTimeMs: 0 })
  drivers.push(d)
  return d
}

const read = (d: TopologyTestDriver) =>
  d
    .createOutputTopic('out', I, S)
    .readRecordsToList()
    .map((r) => [r.key, r.value, r.timestamp])

/** Kafka Streams' KStreamKStreamLeftJoinTest.testGracePeriod, up to the dummy record that closes the windows. */
async function gracePeriodCase(d: TopologyTestDriver) {
  const in1 = d.createInputTopic('topic1', I, S)
  const in2 = d.createInputTopic('topic2', I, S)
  for (const k of [0, 1]) await in1.pipeInput(k, `A${k}`, 0)
  expect(read(d)).toEqual([])
  for (const k of [0, 1, 2, 3]) await in2.pipeInput(k, `a${k}`, 101)
  expect(read(d)).toEqual([])
  await in2.pipeInput(0, 'dummy', 1201)
  expect(read(d)).toEqual([
    [0, 'A0+null', 0],
    [1, 'A1+null', 0],
  ])
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'kstreams-join-restart-'))
  dirs.push(dir)
  return dir
}

describe('stream-stream join time survives a restart', () => {
  it('testGracePeriod, then a record whose window closed before a restart is handled as without the restart', async () => {
    // without a restart: the late left record's window closed long ago, so its left-join result comes at once
    const control = open(tempDir())
    await gracePeriodCase(control)
    await control.createInputTopic('topic1', I, S).pipeInput(2, 'A2', 50)
    const expected = [[2, 'A2+null', 50]]
    expect(read(control)).toEqual(expected)

    // with a restart between the two: the join's time resumes at 1201, not at -1
    const dir = tempDir()
    const first = open(dir)
    await gracePeriodCase(first)
    await first.close()
    const second = open(dir)
    await second.createInputTopic('topic1', I, S).pipeInput(2, 'A2', 50)
    expect(read(second)).toEqual(expected)
  })

  it('a windowed aggregation drops a record late before the restart as late after it (driver.metrics)', async () => {
    const topology = () => {
      const b = new StreamsBuilder()
      b.stream('in', Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count(Materialized.as<string, number>('counts'))
      return b.build()
    }
    const metric = (d: TopologyTestDriver, name: string) => d.metrics().find((m) => m.name === name && m.tags['task-id'] === '0_0')?.value
    const dir = tempDir()
    const first = new TopologyTestDriver(topology(), { stateDir: dir })
    drivers.push(first)
    await first.createInputTopic('in', S, S).pipeInput('k', 'v', 100)
    expect(metric(first, 'late-records-total')).toBe(0)
    await first.close()
    const second = new TopologyTestDriver(topology(), { stateDir: dir })
    drivers.push(second)
    await second.createInputTopic('in', S, S).pipeInput('k', 'v', 5)
    expect(metric(second, 'late-records-total')).toBe(1)
    expect(metric(second, 'dropped-records-total')).toBe(1)
  })
})
