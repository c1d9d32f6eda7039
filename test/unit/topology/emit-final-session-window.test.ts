// Emit-on-window-close for session windows: the ON_WINDOW_CLOSE cases of Kafka Streams'
// SessionWindowedKStreamImplTest and KStreamSessionWindowAggregateProcessorTest.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, EmitStrategy, KeyValue, Materialized, Produced, Serdes, SessionWindows, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { SessionBytesStoreSupplier } from '../../../stores/store-supplier.js'
import { UnsupportedStoreOperationError } from '../../../stores/internals/store-errors.js'
import type { Windowed } from '../../../topology/windows/window.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
})

const label = (wk: Windowed<string>) => `${wk.key}@${wk.window.start}/${wk.window.end}`
const read = (d: TopologyTestDriver, serde: typeof S | typeof L = S) => d.createOutputTopic<string, unknown>('out', S, serde as typeof S).readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`)

/** SessionWindowedKStreamImplTest: gap 500, no grace. */
function sessionStream(b: StreamsBuilder) {
  return b.stream('input', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500)).emitStrategy(EmitStrategy.onWindowClose())
}

async function processData(d: TopologyTestDriver): Promise<void> {
  const input = d.createInputTopic('input', S, S)
  await input.pipeInput('1', '1', 10)
  await input.pipeInput('1', '2', 15)
  await input.pipeInput('1', '3', 600)
  await input.pipeInput('2', '1', 600)
  await input.pipeInput('2', '2', 599)
}

describe('EmitStrategy.onWindowClose() on session windows', () => {
  for (const cacheMaxBytes of [0, undefined]) {
    it(`SessionWindowedKStreamImplTest.shouldCountSessionWindowedWith${cacheMaxBytes === 0 ? 'CachingDisabled' : 'CachingEnabled'}`, async () => {
      const b = new StreamsBuilder()
      sessionStream(b).count().toStream().map((wk, v) => KeyValue.pair(label(wk), v)).to('out', Produced.with(S, L))
      driver = new TopologyTestDriver(b.build(), { cacheMaxBytes })
      await processData(driver)
      expect(read(driver, L)).toEqual(['1@10/15=2@15'])
    })
  }

  it('SessionWindowedKStreamImplTest.shouldReduceWindowed', async () => {
    const b = new StreamsBuilder()
    sessionStream(b).reduce((a, v) => `${a}+${v}`).toStream().map((wk, v) => KeyValue.pair(label(wk), v)).to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    expect(read(driver)).toEqual(['1@10/15=1+2@15'])
  })

  it('SessionWindowedKStreamImplTest.shouldAggregateSessionWindowed', async () => {
    const b = new StreamsBuilder()
    sessionStream(b)
      .aggregate(() => '0', (_k, v, agg: string) => `${agg}+${v}`, (_k, a, c) => `${a}+${c}`, Materialized.with<string, string>(S, S))
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    expect(read(driver)).toEqual(['1@10/15=0+0+1+2@15'])
  })

  it('SessionWindowedKStreamImplTest.shouldMaterializeCount (emit final): sessions stay queryable', async () => {
    const b = new StreamsBuilder()
    sessionStream(b).count(Materialized.as<string, number>('count-store'))
    driver = new TopologyTestDriver(b.build())
    await processData(driver)
    const store = driver.getSessionStore<string, number>('count-store')
    const data: string[] = []
    for (const key of ['1', '2']) for await (const kv of store.fetch(key)) data.push(`${label(kv.key)}=${kv.value}`)
    // as Kafka Streams' emit-final session store: the session 1@10/15 is past retention (gap 500)
    expect(data).toEqual(['1@600/600=1', '2@599/600=2'])
  })
})

// KStreamSessionWindowAggregateProcessorTest: gap 5 min, no grace, counting.
const GAP_MS = 5 * 60 * 1000

function counting(stateDir?: string): TopologyTestDriver {
  const b = new StreamsBuilder()
  b.stream('in', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(GAP_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate(() => 0, (_k, _v, agg: number) => agg + 1, (_k, a: number, c: number) => a + c, Materialized.as<string, number>('session-store').withValueSerde(L).withRetention(GAP_MS * 3).withLoggingDisabled())
    .toStream()
    .map((wk, v) => KeyValue.pair(label(wk), v))
    .to('out', Produced.with(S, L))
  return new TopologyTestDriver(b.build(), stateDir ? { stateDir } : {})
}

describe('KStreamSessionWindowAggregateProcessorTest, ON_WINDOW_CLOSE', () => {
  it('shouldHaveMultipleSessionsForSameIdWhenTimestampApartBySessionGap', async () => {
    driver = counting()
    const input = driver.createInputTopic('in', S, S)
    let now = 0
    await input.pipeInput('mel', 'first', now)
    now += GAP_MS + 1
    await input.pipeInput('mel', 'second', now)
    await input.pipeInput('mel', 'second', now)
    now += GAP_MS + 1
    for (let i = 0; i < 3; i++) await input.pipeInput('mel', 'third', now)
    expect(read(driver, L)).toEqual(['mel@0/0=1@0', `mel@${GAP_MS + 1}/${GAP_MS + 1}=2@${GAP_MS + 1}`])
  })

  it('shouldHandleMultipleSessionsAndMerging: closed sessions of every key, by end', async () => {
    driver = counting()
    const input = driver.createInputTopic('in', S, S)
    const half = GAP_MS / 2
    for (const [k, v, t] of [
      ['a', '1', 0], ['b', '1', 0], ['c', '1', 0], ['d', '1', 0], ['d', '2', half],
      ['a', '2', GAP_MS + 1], ['b', '2', GAP_MS + 1], ['a', '3', GAP_MS + 1 + half], ['c', '3', GAP_MS + 1 + half],
    ] as const) {
      await input.pipeInput(k, v, t)
    }
    expect(read(driver, L)).toEqual(['a@0/0=1@0', 'b@0/0=1@0', 'c@0/0=1@0', `d@0/${half}=2@${half}`])
  })

  it('emits each closed session once across a restart on the same state', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'emit-final-session-'))
    try {
      driver = counting(stateDir)
      let input = driver.createInputTopic('in', S, S)
      await input.pipeInput('a', '1', 0)
      await input.pipeInput('b', '1', 10)
      await input.pipeInput('c', '1', GAP_MS + 5) // closes a@0 (end 0 < 5)
      expect(read(driver, L)).toEqual(['a@0/0=1@0'])
      await driver.close()

      driver = counting(stateDir)
      input = driver.createInputTopic('in', S, S)
      await input.pipeInput('c', '2', 3 * GAP_MS) // closes b@10 and c@GAP+5, not a@0 again
      expect(read(driver, L)).toEqual(['b@10/10=1@10', `c@${GAP_MS + 5}/${GAP_MS + 5}=1@${GAP_MS + 5}`])
    } finally {
      await driver?.close()
      driver = null
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
})

describe('emit-final session stores', () => {
  it('reads closed sessions of every key from an in-memory session store, by end then start', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>(Stores.inMemorySessionStore('mem-sessions', 1_000)))
      .toStream()
      .map((wk, v) => KeyValue.pair(label(wk), v))
      .to('out', Produced.with(S, L))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    for (const [k, t] of [['b', 3], ['a', 1], ['a', 3], ['c', 2], ['b', 5], ['z', 100]] as const) await input.pipeInput(k, 'x', t)
    // close time 100 - 5 - 10 = 85: every session ending before it, by end, then start, then key
    expect(read(driver, L)).toEqual(['c@2/2=1@2', 'a@1/3=2@3', 'b@3/5=2@5'])
  })

  it('names the store and the missing operation when a session store cannot read sessions by end', async () => {
    const inner = Stores.inMemorySessionStore('custom-sessions', 1_000)
    const supplier: SessionBytesStoreSupplier = {
      name: inner.name,
      retentionPeriod: inner.retentionPeriod,
      segmentInterval: inner.segmentInterval,
      get() {
        const store = inner.get()
        return Object.assign(Object.create(Object.getPrototypeOf(store)), store, { findSessionsByEnd: undefined })
      },
    } as SessionBytesStoreSupplier
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>(supplier))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 1)
    const failed = await input.pipeInput('a', 'x', 50).then(() => null, (e: unknown) => e)
    expect(failed).toBeInstanceOf(UnsupportedStoreOperationError)
    expect((failed as Error).message).toContain('custom-sessions')
    expect((failed as Error).message).toContain('findSessionsByEnd')
    await driver.close().catch(() => {})
    driver = null
  })

  it('emitStrategy() refuses anything but an EmitStrategy', () => {
    const windowed = new StreamsBuilder().stream('in', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
    expect(() => windowed.emitStrategy(null as unknown as EmitStrategy)).toThrow(TypeError)
    expect(() => windowed.emitStrategy('ON_WINDOW_CLOSE' as unknown as EmitStrategy)).toThrow(/SessionWindowedKStream.emitStrategy/)
    expect(EmitStrategy.onWindowClose().type).toBe('ON_WINDOW_CLOSE')
    expect(EmitStrategy.onWindowUpdate().type).toBe('ON_WINDOW_UPDATE')
  })
})
