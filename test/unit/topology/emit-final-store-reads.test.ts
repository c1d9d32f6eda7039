// Emit-on-window-close reads the store (an iterator over RocksDB) only once a window written since
// the last read can have closed, and after a restart on existing state it still emits every window
// exactly once, at the same stream time as without the restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumed, EmitStrategy, KeyValue, Materialized, Produced, Serdes, SessionWindows, SlidingWindows, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../../../stores/store-supplier.js'
import type { Windowed } from '../../../topology/windows/window.js'

const S = Serdes.String()
const dirs: string[] = []
let driver: TopologyTestDriver | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const label = (wk: Windowed<string>) => `${wk.key}@${wk.window.start}/${wk.window.end}`

/** Counts the calls of the store's closed-window read (fetchAll / findSessionsByEnd) on the RocksDB store itself. */
function counted<T extends WindowBytesStoreSupplier | SessionBytesStoreSupplier>(supplier: T, method: 'fetchAll' | 'findSessionsByEnd', counter: { reads: number }): T {
  const get = supplier.get.bind(supplier)
  supplier.get = (() => {
    const store = get() as unknown as Record<string, (...args: unknown[]) => unknown>
    const read = store[method]!.bind(store)
    store[method] = (...args: unknown[]) => {
      counter.reads++
      return read(...args)
    }
    return store
  }) as unknown as T['get']
  return supplier
}

type Kind = 'sliding' | 'session'
const D = 10
const SLIDING_GRACE = 50
const GAP = 50

function topology(kind: Kind, counter: { reads: number } = { reads: 0 }) {
  const b = new StreamsBuilder()
  const grouped = b.stream('in', Consumed.with(S, S)).groupByKey()
  const counts =
    kind === 'sliding'
      ? grouped
          .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(D, SLIDING_GRACE))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count(Materialized.as<string, number>(counted(Stores.persistentTimestampedWindowStore('counts', 10_000, D, false), 'fetchAll', counter)))
      : grouped
          .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(GAP))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count(Materialized.as<string, number>(counted(Stores.persistentSessionStore('counts', 10_000), 'findSessionsByEnd', counter)))
  counts
    .toStream()
    .map((wk, v) => KeyValue.pair(label(wk), String(v)))
    .to('out', Produced.with(S, S))
  return b.build()
}

function open(kind: Kind, stateDir: string, counter?: { reads: number }): TopologyTestDriver {
  return new TopologyTestDriver(topology(kind, counter), { stateDir })
}

function tempState(): string {
  const dir = mkdtempSync(join(tmpdir(), 'emit-final-reads-'))
  dirs.push(dir)
  return dir
}

/** Pipes the records one by one; returns what each one emitted. */
async function run(d: TopologyTestDriver, records: readonly (readonly [string, number])[]): Promise<string[][]> {
  const input = d.createInputTopic('in', S, S)
  const output = d.createOutputTopic('out', S, S)
  const steps: string[][] = []
  for (const [key, t] of records) {
    await input.pipeInput(key, 'x', t)
    steps.push(output.readRecordsToList().map((r) => `${r.key}=${r.value}@${r.timestamp}`))
  }
  return steps
}

/** Bursts of 10 records, 1 ms apart, every 100 ms, over 4 keys: stream time advances on each record. */
function bursts(n: number): [string, number][] {
  const records: [string, number][] = []
  for (let burst = 0; burst < n; burst++) for (let i = 0; i < 10; i++) records.push([`k${(burst + i) % 4}`, 100 + burst * 100 + i])
  return records
}

/** 10 keys, one record per ms round robin; keys k5..k9 stop at 500: only their sessions close. */
function sessions(): [string, number][] {
  const records: [string, number][] = []
  for (let t = 0; t < 1000; t++) {
    const key = `k${t % 10}`
    if (t < 500 || t % 10 < 5) records.push([key, t])
  }
  return records
}

describe('emit-on-window-close store reads', () => {
  it('sliding windows: the store is read once per burst, when the previous burst\'s windows close, not on every advance', async () => {
    const counter = { reads: 0 }
    driver = open('sliding', tempState(), counter)
    const steps = await run(driver, bursts(20))
    const emittedAt = steps.flatMap((s, i) => (s.length > 0 ? [i] : []))
    // 200 records, each advancing stream time: the windows of a burst (starting 10 ms before it to
    // 10 ms into it) close 61 ms after their start, i.e. at the first record of the next burst
    expect(emittedAt).toEqual(Array.from({ length: 19 }, (_, b) => (b + 1) * 10))
    // one read per burst, and it finds windows; plus one look at the store at the first advance:
    // a fresh emitter knows nothing of windows written before it (after a restart), and reads on
    // every advance until past its first stream time unless the store holds none
    expect(counter.reads).toBe(1 + 19)
  })

  it('session windows: the store is read only when a live session can have closed, not on every advance', async () => {
    const counter = { reads: 0 }
    driver = open('session', tempState(), counter)
    const steps = await run(driver, sessions())
    // 750 records, each advancing stream time; sessions of k5..k9 end at 495..499 and close 51 ms later
    expect(steps.flat()).toEqual(['k5@5/495=50@495', 'k6@6/496=50@496', 'k7@7/497=50@497', 'k8@8/498=50@498', 'k9@9/499=50@499'])
    // the look at the store at the first advance, then the read at 550 (the first record 51 ms
    // past the sessions' ends) finds all five
    expect(counter.reads).toBe(1 + 1)
  })
})

describe('emit-on-window-close across restarts on the same state', () => {
  // restarts mid-burst, and right before a record that closes windows none of which it wrote itself
  // (the first of a burst; t = 550 and t = 2000 for the sessions)
  const cases: [Kind, [string, number][], number[]][] = [
    ['sliding', bursts(12), [25, 60, 93]],
    ['session', sessions().concat([['k0', 2000]]), [300, 525, 750]],
  ]
  for (const [kind, records, restarts] of cases) {
    it(`${kind} windows: each window is emitted once, after the same record as without restarts`, async () => {
      const expected = await run((driver = open(kind, tempState())), records)
      await driver.close()
      driver = null
      expect(expected.flat().length).toBeGreaterThan(5)

      const stateDir = tempState()
      const steps: string[][] = []
      let from = 0
      for (const until of [...restarts, records.length]) {
        driver = open(kind, stateDir)
        steps.push(...(await run(driver, records.slice(from, until))))
        await driver.close()
        driver = null
        from = until
      }
      expect(steps).toEqual(expected)
      expect(new Set(steps.flat()).size).toBe(steps.flat().length)
    })
  }

  it('session windows: a session from before a restart sharing its end with one written after it', async () => {
    // a@100 before the restart; after it b@100 ends at the same time, then a@120 merges a's old
    // session away: b@100 must still close at 151, as without the restart
    const records: [string, number][] = [['a', 100], ['b', 100], ['a', 120], ['z', 151], ['z', 300]]
    const expected = await run((driver = open('session', tempState())), records)
    await driver.close()
    expect(expected[3]).toEqual(['b@100/100=1@100'])
    const stateDir = tempState()
    driver = open('session', stateDir)
    const steps = await run(driver, records.slice(0, 1))
    await driver.close()
    driver = open('session', stateDir)
    steps.push(...(await run(driver, records.slice(1))))
    expect(steps).toEqual(expected)
  })

  it('windows written before a restart and never read are emitted by the first record after it', async () => {
    for (const kind of ['sliding', 'session'] as const) {
      const stateDir = tempState()
      driver = open(kind, stateDir)
      // nothing closes yet (and the store was never read past these windows)
      expect((await run(driver, [['a', 100], ['b', 105], ['c', 120]])).flat()).toEqual([])
      await driver.close()
      driver = open(kind, stateDir)
      // this record's own windows stay open: only the ones from before the restart close
      const after = (await run(driver, [['d', 300]])).flat()
      expect(after).toEqual(kind === 'sliding' ? ['a@90/100=1@100', 'b@95/105=1@105', 'c@110/120=1@120'] : ['a@100/100=1@100', 'b@105/105=1@105', 'c@120/120=1@120'])
      await driver.close()
      driver = null
    }
  })
})
