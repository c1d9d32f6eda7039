import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChangelogRecord } from '../../../stores/state-store.js'
import {
  Consumed,
  EventTimers,
  Produced,
  Serdes,
  StreamsBuilder,
  timerStoreBuilder,
  TopologyTestDriver,
  type ProcessorContext,
  type RawRecord,
  type Record,
} from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'

const S = Serdes.String()
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-async-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const raw = (offset: number, key: string, value: string, timestamp = offset): RawRecord => ({ offset, timestamp, key: Buffer.from(key), value: Buffer.from(value) })

function captureCollector() {
  const sent: { topic: string; key: Buffer | null; value: Buffer | null; timestamp: number }[] = []
  return { sent, send: (topic: string, r: ChangelogRecord) => void sent.push({ topic, key: r.key, value: r.value, timestamp: r.timestamp }) }
}

describe('mapValuesAsync', () => {
  it('forwards in input order, bounds concurrency, chains calls per key, and commit waits for calls in flight', async () => {
    let running = 0
    let maxRunning = 0
    const started: string[] = []
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(
        async (v, k) => {
          started.push(`${k}${v}`)
          running++
          maxRunning = Math.max(maxRunning, running)
          await sleep(Number(v!.slice(1)))
          running--
          return `${k}:${v}`
        },
        { concurrency: 2 },
      )
      .to('out', Produced.with(S, S))
    const out = captureCollector()
    const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: out, cacheMaxBytes: 0 })
    await task.initialize()
    // slow first, fast later: the output must still follow input order
    task.addRecords('in', 0, [raw(0, 'a', 'v30'), raw(1, 'b', 'v1'), raw(2, 'a', 'v1'), raw(3, 'c', 'v5')])
    await task.process(10)
    const offsets = await task.commit()
    expect(offsets).toEqual([{ topic: 'in', partition: 0, offset: 4, partitionTime: 3 }])
    expect(out.sent.map((r) => r.value!.toString())).toEqual(['a:v30', 'b:v1', 'a:v1', 'c:v5'])
    expect(maxRunning).toBeLessThanOrEqual(2)
    // the second call for key a starts only after the first one finished
    expect(started.indexOf('av1')).toBeGreaterThan(started.indexOf('av30'))
    await task.close()
  })

  it('fails the task with the record position when the mapper rejects', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(async (v) => {
        if (v === 'bad') throw new Error('lookup failed')
        return v
      })
      .to('out', Produced.with(S, S))
    const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: captureCollector(), cacheMaxBytes: 0 })
    await task.initialize()
    task.addRecords('in', 0, [raw(0, 'k', 'ok'), raw(1, 'k', 'bad')])
    await task.process(10)
    await expect(task.commit()).rejects.toThrow(/in-0 offset 1: lookup failed/)
    await task.close({ clean: false })
  })

  it('works under the driver (each piped record completes before the next)', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S)).mapValuesAsync(async (v) => v!.toUpperCase()).to('out', Produced.with(S, S))
    const d = new TopologyTestDriver(b.build())
    const input = d.createInputTopic('in', S, S)
    await input.pipeInput('k', 'x', 1)
    await input.pipeInput('k', 'y', 2)
    expect(d.createOutputTopic('out', S, S).readRecordsToList()).toEqual([
      { key: 'k', value: 'X', timestamp: 1, headers: {} },
      { key: 'k', value: 'Y', timestamp: 2, headers: {} },
    ])
    await d.close()
  })
})

/** Emits "<key> expired" 10 ms (event time) after the last record of a key. */
function expiryTopology() {
  const b = new StreamsBuilder()
  b.addStateStore(timerStoreBuilder('expiry-timers'))
  b.stream('in', Consumed.with(S, S))
    .process(() => {
      let timers!: EventTimers<string>
      let ctx!: ProcessorContext<string, string>
      const last = new Map<string, number>()
      return {
        init(c: ProcessorContext<string, string>) {
          ctx = c
          timers = new EventTimers(c, 'expiry-timers', S, (key, ts) => {
            ctx.forward({ key, value: `${key} expired at ${ts}`, timestamp: ts, headers: {} })
          })
        },
        process(r: Record<string, string>) {
          const previous = last.get(r.key)
          if (previous !== undefined) timers.cancel(r.key, previous + 10)
          last.set(r.key, r.timestamp)
          return timers.scheduleAt(r.key, r.timestamp + 10)
        },
      }
    }, 'expiry-timers')
    .to('expired', Produced.with(S, S))
  return b.build()
}

describe('per-key event-time timers', () => {
  it('fire once stream time passes them; cancelled timers do not fire', async () => {
    const d = new TopologyTestDriver(expiryTopology())
    const input = d.createInputTopic('in', S, S)
    const out = d.createOutputTopic('expired', S, S)
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('b', 'x', 5)
    await input.pipeInput('a', 'x', 8) // moves a's timer from 10 to 18
    expect(out.isEmpty()).toBe(true)
    await input.pipeInput('c', 'x', 15) // stream time 15: b (due 15) fires
    expect(out.readRecordsToList()).toEqual([{ key: 'b', value: 'b expired at 15', timestamp: 15, headers: {} }])
    await input.pipeInput('c', 'x', 40) // a (18) then c's first timer was cancelled, c (50) pending
    expect(out.readValuesToList()).toEqual(['a expired at 18'])
    await d.close()
  })

  it('survive a restart through the timer store changelog', async () => {
    const first = captureCollector()
    const task = new StreamTask({ topology: expiryTopology(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: first, cacheMaxBytes: 0 })
    await task.initialize()
    task.addRecords('in', 0, [raw(0, 'a', 'x', 100)])
    await task.process(10)
    await task.commit()
    await task.close()
    const changelog = first.sent.filter((r) => r.topic === 'app-expiry-timers-changelog')
    expect(changelog).toHaveLength(1)

    rmSync(stateDir, { recursive: true, force: true }) // a new instance: nothing local
    const second = captureCollector()
    const moved = new StreamTask({ topology: expiryTopology(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: second, cacheMaxBytes: 0 })
    const restores = await moved.initialize()
    expect(restores.map((r) => r.topic)).toEqual(['app-expiry-timers-changelog'])
    await restores[0].restore(changelog.map((r, i) => ({ key: r.key!, value: r.value, timestamp: r.timestamp, offset: i })))
    moved.addRecords('in', 0, [raw(1, 'z', 'x', 200)])
    await moved.process(10)
    expect(second.sent.filter((r) => r.topic === 'expired').map((r) => r.value!.toString())).toEqual(['a expired at 110'])
    await moved.close()
  })
})
