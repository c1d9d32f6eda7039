import { createHook } from 'node:async_hooks'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  Consumed,
  Grouped,
  KeyValue,
  Materialized,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  type ProcessorContext,
  type Record,
} from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import { Stores } from '../../../stores/stores.js'

/** Promises created while `fn` runs (async_hooks sees every native promise, awaits included). */
async function promisesCreatedBy(fn: () => Promise<unknown>): Promise<number> {
  let count = 0
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++
    },
  })
  hook.enable()
  try {
    await fn()
  } finally {
    hook.disable()
  }
  return count
}

describe('the synchronous hot path', () => {
  it('filter → mapValues → to creates no promise per record', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-hot-'))
    try {
      const b = new StreamsBuilder()
      b.stream('in', Consumed.with(Serdes.String(), Serdes.String()))
        .filter((_k, v) => v!.length > 1)
        .mapValues((v) => v!.toUpperCase())
        .to('out', Produced.with(Serdes.String(), Serdes.String()))
      let sent = 0
      const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'a', stateDir, collector: { send: () => void sent++ }, cacheMaxBytes: 0 })
      await task.initialize()
      await task.start()
      const batch = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => ({ offset: from + i, timestamp: from + i, key: Buffer.from('k'), value: Buffer.from(i % 2 ? 'ab' : 'a') }))
      task.addRecords('in', 0, batch(0, 10))
      const small = await promisesCreatedBy(() => task.process(10))
      task.addRecords('in', 0, batch(10, 2000))
      const large = await promisesCreatedBy(() => task.process(2000))
      expect(sent).toBe(1005)
      expect(large).toBe(small)
      await task.close()
    } finally {
      rmSync(stateDir, { recursive: true, force: true })
    }
  })

  it('a stream-time schedule that is not due costs no promise per record', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-hot-'))
    try {
      const fired: number[] = []
      const b = new StreamsBuilder()
      b.stream('in', Consumed.with(Serdes.String(), Serdes.String()))
        .process(() => {
          let ctx!: ProcessorContext<string, string>
          return {
            init(c: ProcessorContext<string, string>) {
              ctx = c
              ctx.schedule(1_000_000, 'STREAM_TIME', (t) => void fired.push(t))
            },
            process: (r: Record<string, string>) => ctx.forward(r),
          }
        })
        .to('out', Produced.with(Serdes.String(), Serdes.String()))
      let sent = 0
      const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'a', stateDir, collector: { send: () => void sent++ }, cacheMaxBytes: 0 })
      await task.initialize()
      await task.start()
      const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ offset: from + i, timestamp: from + i, key: Buffer.from('k'), value: Buffer.from('v') }))
      task.addRecords('in', 0, batch(0, 10))
      await task.process(10) // aligned to 0: due with the first record, next at 1e6
      expect(fired).toEqual([0])
      task.addRecords('in', 0, batch(10, 10))
      const small = await promisesCreatedBy(() => task.process(10))
      task.addRecords('in', 0, batch(20, 2000))
      const large = await promisesCreatedBy(() => task.process(2000))
      expect(fired).toEqual([0])
      expect(sent).toBe(2020)
      expect(large).toBe(small)
      task.addRecords('in', 0, batch(1_000_000, 1))
      await task.process(1)
      expect(fired).toEqual([0, 1_000_000])
      await task.close()
    } finally {
      rmSync(stateDir, { recursive: true, force: true })
    }
  })

  it('flatMap and flatMapValues over arrays forward every element in order, waiting for async children', async () => {
    const b = new StreamsBuilder()
    const seen: string[] = []
    const words = b.stream('in', Consumed.with(Serdes.String(), Serdes.String())).flatMapValues((line) => line!.split(' '))
    words
      .flatMap((k, w) => [KeyValue.pair(`${k}1`, w), KeyValue.pair(`${k}2`, w)])
      .foreach((k, w) => void seen.push(`sync ${k}=${w}`))
    words.process(() => ({
      async process(r: Record<string, string>) {
        await new Promise((resolve) => setTimeout(resolve, 1))
        seen.push(`async ${r.value}`)
      },
    }))
    const driver = new TopologyTestDriver(b.build())
    try {
      await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'a b')
      expect(seen).toEqual(['sync k1=a', 'sync k2=a', 'async a', 'sync k1=b', 'sync k2=b', 'async b'])
    } finally {
      await driver.close()
    }
  })

  it('flatMap names its node when the mapper returns something that is not a KeyValue', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(Serdes.String(), Serdes.String()))
      .flatMap(() => [null as unknown as KeyValue<string, string>], Named.as('pairs'))
      .to('out')
    const driver = new TopologyTestDriver(b.build())
    try {
      await expect(driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v')).rejects.toThrow(
        'pairs: the mapper must return KeyValue pairs ({ key, value }), got null',
      )
    } finally {
      await driver.close().catch(() => {})
    }
  })

  it('a table source reads no old value unless it forwards one now (uncached with old values needed)', async () => {
    let reads = 0
    const countingSupplier = (name: string) => {
      const inner = Stores.inMemoryKeyValueStore(name)
      return {
        name,
        get() {
          const store = inner.get()
          const get = store.get.bind(store)
          store.get = (key: Buffer) => {
            reads++
            return get(key)
          }
          return store
        },
      }
    }
    const run = async (materialized: Materialized<string, string>, withGroupBy: boolean) => {
      reads = 0
      const b = new StreamsBuilder()
      const table = b.table('t', Consumed.with(Serdes.String(), Serdes.String()), materialized)
      if (withGroupBy) table.groupBy((k, v) => KeyValue.pair(v, k), Grouped.with(Serdes.String(), Serdes.String())).count().toStream().to('out', Produced.with(Serdes.String(), Serdes.Long()))
      else table.toStream().to('out', Produced.with(Serdes.String(), Serdes.String()))
      const driver = new TopologyTestDriver(b.build())
      try {
        const input = driver.createInputTopic('t', Serdes.String(), Serdes.String())
        for (const [k, v] of [['a', 'x'], ['b', 'x'], ['a', 'y']]) await input.pipeInput(k, v)
        return withGroupBy ? driver.createOutputTopic('out', Serdes.String(), Serdes.Long()).readKeyValuesToList() : null
      } finally {
        await driver.close()
      }
    }
    await run(Materialized.as<string, string>(countingSupplier('plain')).withCachingDisabled(), false)
    expect(reads).toBe(0)
    await run(Materialized.as<string, string>(countingSupplier('cached')), false)
    expect(reads).toBe(0)
    // Old values are needed downstream and nothing caches them: the source reads them.
    const counts = await run(Materialized.as<string, string>(countingSupplier('grouped')).withCachingDisabled(), true)
    expect(reads).toBe(3)
    expect(counts).toEqual([KeyValue.pair('x', 1), KeyValue.pair('x', 2), KeyValue.pair('x', 1), KeyValue.pair('y', 1)])
  })
})
