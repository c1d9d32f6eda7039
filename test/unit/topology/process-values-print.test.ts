import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  Consumed,
  EventTimers,
  FixedKeyRecord,
  Named,
  Printed,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
  timerStoreBuilder,
  type FixedKeyProcessorContext,
  type ProcessorContext,
} from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { KeyValueStore } from '../../../stores/key-value-store.js'

const S = Serdes.String()
const L = Serdes.Long()
let driver: TopologyTestDriver | null = null
let dir: string | null = null
afterEach(async () => {
  await driver?.close()
  driver = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
  vi.restoreAllMocks()
})

/** A running sum per key, kept in the store `sums`, forwarded as the new value. */
function runningSum() {
  let ctx!: FixedKeyProcessorContext<string, number | null>
  let sums!: KeyValueStore<string, number>
  return {
    init(c: FixedKeyProcessorContext<string, number>) {
      ctx = c
      sums = c.getStateStore('sums')
    },
    async process(r: FixedKeyRecord<string, number>) {
      const sum = ((await sums.get(r.key)) ?? 0) + r.value
      await sums.put(r.key, sum)
      ctx.forward(r.withValue(sum))
    },
  }
}

describe('KStream.processValues', () => {
  it('forwards new values under the same key, with a connected store, and keeps the key serde', async () => {
    const b = new StreamsBuilder()
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('sums'), S, L))
    b.stream('in', Consumed.with(S, L))
      .processValues(runningSum, 'sums')
      // No key serde given: the sink uses the stream's, which processValues keeps.
      .to('out', Produced.valueSerde(L))
    const topology = b.build()
    expect(topology.describe().toString()).toContain('Processor: KSTREAM-PROCESSVALUES-0000000001 (stores: [sums])')
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('in', S, L).pipeKeyValueList([
      { key: 'a', value: 1 },
      { key: 'b', value: 10 },
      { key: 'a', value: 2 },
    ])
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 10 },
      { key: 'a', value: 3 },
    ])
  })

  it('does not mark the stream for repartitioning, while process() does (the key may change)', () => {
    const count = (use: 'process' | 'processValues') => {
      const b = new StreamsBuilder()
      const s = b.stream('in', Consumed.with(S, L))
      const next =
        use === 'process'
          ? s.process(() => {
              let ctx!: ProcessorContext<string, number | null>
              return { init: (c: ProcessorContext<string, number | null>) => void (ctx = c), process: (r) => ctx.forward(r) }
            })
          : s.processValues(() => {
              let ctx!: FixedKeyProcessorContext<string, number | null>
              return { init: (c: FixedKeyProcessorContext<string, number | null>) => void (ctx = c), process: (r) => ctx.forward(r) }
            })
      next.groupByKey().count()
      return b.build().metadata('app')
    }
    expect(count('processValues').repartitionTopics).toEqual([])
    expect(count('processValues').subtopologies).toHaveLength(1)
    expect(count('process').repartitionTopics.map((t) => t.name)).toEqual(['app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition'])
  })

  it('timestamps and headers can change; a record not made from the input is refused, naming the node', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .processValues<string>(
        () => {
          let ctx!: FixedKeyProcessorContext<string, string>
          return {
            init: (c) => void (ctx = c),
            process(r) {
              if (r.value === 'forge') ctx.forward({ key: 'other', value: 'x', timestamp: 0, headers: {} } as unknown as FixedKeyRecord<string, string>)
              else ctx.forward(r.withValue(r.value!.toUpperCase()).withTimestamp(r.timestamp + 1).withHeaders({ seen: 'yes' }))
            },
          }
        },
        Named.as('upper'),
      )
      .to('out', Produced.with(S, S))
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('k', 'hi', 5)
    expect(driver.createOutputTopic('out', S, S).readRecord()).toEqual({ key: 'k', value: 'HI', timestamp: 6, headers: { seen: 'yes' } })
    await expect(input.pipeInput('k', 'forge', 6)).rejects.toThrow('upper: a FixedKeyProcessor forwards records made from its input')
  })

  it('a FixedKeyProcessor can keep per-key event-time timers', async () => {
    const fired: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(timerStoreBuilder('timeouts'))
    b.stream('in', Consumed.with(S, S)).processValues(() => {
      let timers!: EventTimers<string>
      return {
        init(c: FixedKeyProcessorContext<string, string>) {
          timers = new EventTimers(c, 'timeouts', S, (key, time) => void fired.push(`${key}@${time}`))
        },
        process: (r: FixedKeyRecord<string, string>) => timers.scheduleAt(r.key, r.timestamp + 10),
      }
    }, 'timeouts')
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 0)
    await input.pipeInput('b', 'x', 5)
    await input.pipeInput('c', 'x', 12)
    expect(fired).toEqual(['a@10'])
  })

  it('rejects a supplier that is not a function', () => {
    const s = new StreamsBuilder().stream('in')
    expect(() => s.processValues(null as never)).toThrow('processValues: the processor supplier must be a function, got null')
  })
})

describe('KStream.print', () => {
  it('toSysOut writes [label]: key, value per record; the label defaults to the printed node', async () => {
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
    const b = new StreamsBuilder()
    const s = b.stream('in', Consumed.with(S, L))
    s.print(Printed.toSysOut<string, number>().withLabel('orders'))
    s.filter(() => true).print(Printed.toSysOut())
    s.print(Printed.toSysOut<string, number>().withKeyValueMapper((k, v) => `${k}=${v! * 2}`).withName('doubled'))
    const topology = b.build()
    expect(topology.describe().toString()).toContain('Processor: KSTREAM-PRINTER-0000000001 (stores: [])')
    expect(topology.describe().toString()).toContain('Processor: doubled (stores: [])')
    driver = new TopologyTestDriver(topology)
    await driver.createInputTopic('in', S, L).pipeInput('a', 21)
    expect(lines).toEqual(['[orders]: a, 21\n', '[KSTREAM-FILTER-0000000002]: a, 21\n', '[KSTREAM-SOURCE-0000000000]: a=42\n'])
  })

  it('toFile creates the file at once and holds every line once the topology closes; windowed keys print as Java does', async () => {
    const printDir = mkdtempSync(join(tmpdir(), 'kstreams-print-'))
    dir = printDir
    const path = join(printDir, 'printed.txt')
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .toStream()
      .print(Printed.toFile(path).withLabel('w'))
    expect(readFileSync(path, 'utf8')).toBe('')
    driver = new TopologyTestDriver(b.build())
    const input = driver.createInputTopic('in', S, S)
    await input.pipeInput('a', 'x', 1)
    await input.pipeInput('a', 'y', 2)
    await input.pipeInput(null, 'skipped', 3)
    await driver.close()
    driver = null
    expect(readFileSync(path, 'utf8')).toBe('[w]: [a@0/10], 1\n[w]: [a@0/10], 2\n')
    expect(() => Printed.toFile(join(printDir, 'missing-dir', 'x.txt'))).toThrow(/Printed.toFile: unable to write stream to file at \[.*x\.txt\]/)
    expect(() => new StreamsBuilder().stream('in').print({} as never)).toThrow('print: expected a Printed')
  })
})
