import { afterEach, describe, expect, it } from 'vitest'
import {
  Consumed,
  Materialized,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
  type ProcessorContext,
} from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { WindowStore } from '../../../stores/window-store.js'
import type { Windowed } from '../../../stores/key-value.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

async function toList<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const t of it) out.push(t)
  return out
}

const label = (w: Windowed<string>) => `${w.key}@${w.window.start}/${w.window.end}`

function windowedCounts() {
  const b = new StreamsBuilder()
  const grouped = b.stream('in', Consumed.with(S, S)).groupByKey()
  grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as<string, number>('per-10').withRetention(1000))
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count(Materialized.as<string, number>('sessions').withRetention(1000))
  grouped.count(Materialized.as('totals'))
  return b.build()
}

describe('TopologyTestDriver store accessors', () => {
  it('getWindowStore answers synchronously, before the driver started; reads wait for it and give plain values', async () => {
    driver = new TopologyTestDriver(windowedCounts())
    // Taken before any record and before the driver's stores exist, as Kafka Streams' users do.
    const windows = driver.getWindowStore<string, number>('per-10')
    const timestamped = driver.getTimestampedWindowStore<string, number>('per-10')
    expect(windows).not.toBeInstanceOf(Promise)
    expect(windows.windowSize).toBe(10)
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 3)
    await input.pipeInput('a', 'y', 7)
    await input.pipeInput('b', 'z', 12)
    expect(await windows.fetch('a', 0)).toBe(2)
    expect(await windows.fetch('a', 10)).toBeNull()
    expect(await timestamped.fetch('a', 0)).toEqual({ value: 2, timestamp: 7 })
    expect((await toList(windows.fetchRange('a', 0, 100))).map((kv) => `${kv.key}=${kv.value}`)).toEqual(['0=2'])
    expect((await toList(windows.all())).map((kv) => `${label(kv.key)}=${kv.value}`)).toEqual(['a@0/10=2', 'b@10/20=1'])
    expect((await toList(timestamped.fetchAll(0, 100))).map((kv) => `${label(kv.key)}=${kv.value.value}@${kv.value.timestamp}`)).toEqual([
      'a@0/10=2@7',
      'b@10/20=1@12',
    ])
  })

  it('getSessionStore answers synchronously; its reads find the sessions', async () => {
    driver = new TopologyTestDriver(windowedCounts())
    const sessions = driver.getSessionStore<string, number>('sessions')
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('u', 'x', 0)
    await input.pipeInput('u', 'y', 3)
    await input.pipeInput('u', 'z', 20)
    expect(await sessions.fetchSession('u', 0, 3)).toBe(2)
    expect((await toList(sessions.fetch('u'))).map((kv) => `${label(kv.key)}=${kv.value}`)).toEqual(['u@0/3=2', 'u@20/20=1'])
    expect((await toList(sessions.findSessions('u', 10, 30))).map((kv) => label(kv.key))).toEqual(['u@20/20'])
  })

  it('getKeyValueStore on a timestamped store gives plain values; getTimestampedKeyValueStore gives ValueAndTimestamp', async () => {
    driver = new TopologyTestDriver(windowedCounts())
    const totals = driver.getKeyValueStore<string, number>('totals')
    const stamped = driver.getTimestampedKeyValueStore<string, number>('totals')
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 5)
    await input.pipeInput('a', 'y', 9)
    expect(await totals.get('a')).toBe(2)
    expect(await stamped.get('a')).toEqual({ value: 2, timestamp: 9 })
    expect(await totals.toArray()).toEqual([{ key: 'a', value: 2 }])
    expect(await toList(stamped.range('a', 'z'))).toEqual([{ key: 'a', value: { value: 2, timestamp: 9 } }])
    // A put through the plain view stamps no timestamp (-1), as Kafka Streams' facade.
    await totals.put('b', 7)
    expect(await stamped.get('b')).toEqual({ value: 7, timestamp: -1 })
  })

  it('each accessor rejects a store of another kind, naming the store and the accessor to use', () => {
    driver = new TopologyTestDriver(windowedCounts())
    expect(() => driver!.getKeyValueStore('per-10')).toThrow("getKeyValueStore('per-10'): the store per-10 is a timestamped window store; read it with getTimestampedWindowStore or getWindowStore")
    expect(() => driver!.getWindowStore('totals')).toThrow('the store totals is a timestamped key-value store')
    expect(() => driver!.getSessionStore('per-10')).toThrow('read it with getTimestampedWindowStore or getWindowStore')
    expect(() => driver!.getTimestampedWindowStore('sessions')).toThrow('the store sessions is a session store; read it with getSessionStore')
    expect(() => driver!.getWindowStore('nope')).toThrow('no state store named nope')
  })

  it('a user-added plain window store reads through getWindowStore, and getTimestampedWindowStore refuses it', async () => {
    const b = new StreamsBuilder()
    b.addStateStore(Stores.windowStoreBuilder(Stores.inMemoryWindowStore('last-seen', 1000, 100, false), S, L))
    b.stream('in', Consumed.with(S, S)).process(() => {
      let store!: WindowStore<string, number>
      return {
        init(ctx: ProcessorContext<never, never>) {
          store = ctx.getStateStore('last-seen')
        },
        process(r) {
          return store.put(r.key as string, r.timestamp, r.timestamp - (r.timestamp % 100))
        },
      }
    }, 'last-seen')
    driver = new TopologyTestDriver(b.build())
    const lastSeen = driver.getWindowStore<string, number>('last-seen')
    await driver.createInputTopic('in', S, S).pipeInput('k', 'v', 250)
    expect(await lastSeen.fetch('k', 200)).toBe(250)
    await lastSeen.put('k', 290, 200)
    expect(await lastSeen.fetch('k', 200)).toBe(290)
    expect(() => driver!.getTimestampedWindowStore('last-seen')).toThrow('the store last-seen is a window store; read it with getWindowStore')
  })
})
