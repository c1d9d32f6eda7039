import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChangelogRecord, RecordCollector } from '../../../stores/state-store.js'
import {
  Consumed,
  DeserializationError,
  Produced,
  Serdes,
  StreamsBuilder,
  Topology,
  type AsyncSerde,
  type ProcessorContext,
  type RawRecord,
  type Record,
} from '../../../topology/index.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'

const S = Serdes.String()
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-task-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

class Capture implements RecordCollector {
  sent: { topic: string; key: string | null; value: string | null; timestamp: number; partition: number }[] = []
  send(topic: string, r: ChangelogRecord, partition: number) {
    this.sent.push({ topic, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp, partition })
  }
}

const raw = (offset: number, timestamp: number, key: string | null, value: string | null): RawRecord => ({
  offset,
  timestamp,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
})

function passThroughTask(topology: Topology, collector: RecordCollector, extra: Partial<ConstructorParameters<typeof StreamTask>[0]> = {}) {
  return new StreamTask({ topology, subtopologyId: 0, partition: 2, applicationId: 'app', stateDir, collector, cacheMaxBytes: 0, ...extra })
}

describe('StreamTask', () => {
  it('picks records across partitions by lowest head timestamp and tracks stream time', async () => {
    const b = new StreamsBuilder()
    b.stream(['a', 'b'], Consumed.with(S, S)).to('out', Produced.with(S, S))
    const out = new Capture()
    const task = passThroughTask(b.build(), out)
    expect(task.id).toBe('0_2')
    await task.initialize()
    task.addRecords('a', 2, [raw(0, 10, 'a0', 'x'), raw(1, 30, 'a1', 'x')])
    task.addRecords('b', 2, [raw(5, 20, 'b0', 'x'), raw(6, 5, 'b1', 'x')])
    expect(task.bufferedCount('a', 2)).toBe(2)
    expect(await task.process(2)).toBe(2)
    expect(task.streamTime()).toBe(20)
    expect(await task.process(100)).toBe(2)
    expect(out.sent.map((r) => r.key)).toEqual(['a0', 'b0', 'b1', 'a1'])
    expect(out.sent.map((r) => r.partition)).toEqual([-1, -1, -1, -1])
    expect(task.streamTime()).toBe(30)
    expect(await task.commit()).toEqual([
      { topic: 'a', partition: 2, offset: 2, partitionTime: 30 },
      { topic: 'b', partition: 2, offset: 7, partitionTime: 20 },
    ])
    await task.close()
  })

  it('errors on a topic it does not read and on an out-of-range sub-topology', async () => {
    const b = new StreamsBuilder()
    b.stream('a').to('out')
    const t = b.build()
    expect(() => passThroughTask(t, new Capture(), { subtopologyId: 3 })).toThrow(/no sub-topology 3/)
    const task = passThroughTask(t, new Capture())
    await task.initialize()
    expect(() => task.addRecords('zzz', 0, [])).toThrow(/task 0_2 does not read topic zzz/)
    await task.close()
  })

  it('names topic, partition and offset when deserialization fails; the handler may skip', async () => {
    const b = new StreamsBuilder()
    b.stream('nums', Consumed.with(S, Serdes.Long())).to('out', Produced.with(S, Serdes.Long()))
    const failing = passThroughTask(b.build(), new Capture())
    await failing.initialize()
    failing.addRecords('nums', 2, [{ offset: 41, timestamp: 1, key: null, value: Buffer.from('abc') }])
    await expect(failing.process(10)).rejects.toThrow(/value of the record at nums-2 offset 41.*8 bytes but got 3/)
    await failing.close({ clean: false })

    const seen: DeserializationError[] = []
    const out = new Capture()
    const skipping = passThroughTask(b.build(), out, {
      deserializationHandler: (err) => {
        seen.push(err)
        return 'CONTINUE'
      },
      warn: () => {},
    })
    await skipping.initialize()
    const eight = Buffer.alloc(8)
    eight.writeBigInt64BE(5n)
    skipping.addRecords('nums', 2, [
      { offset: 41, timestamp: 1, key: null, value: Buffer.from('abc') },
      { offset: 42, timestamp: 2, key: null, value: eight },
    ])
    expect(await skipping.process(10)).toBe(1)
    expect(seen.map((e) => [e.topic, e.partition, e.offset, e.part])).toEqual([['nums', 2, 41, 'value']])
    expect(out.sent).toHaveLength(1)
    expect(await skipping.commit()).toEqual([{ topic: 'nums', partition: 2, offset: 43, partitionTime: 2 }])
    await skipping.close()
  })

  it('uses a timestamp extractor and drops records it gives a negative time', async () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S).withTimestampExtractor((r) => Number(r.value))).to('out', Produced.with(S, S))
    const out = new Capture()
    const task = passThroughTask(b.build(), out, { warn: () => {} })
    await task.initialize()
    task.addRecords('in', 2, [raw(0, 999, 'k', '50'), raw(1, 999, 'k', '-1'), raw(2, 999, 'k', '40')])
    await task.process(10)
    expect(out.sent.map((r) => r.timestamp)).toEqual([50, 40])
    expect(task.streamTime()).toBe(50)
  })

  it('fires stream-time punctuations as stream time advances, and wall-clock ones on punctuate()', async () => {
    const calls: string[] = []
    const t = new Topology()
      .addSource({ name: 'src', topics: ['in'], keySerde: S, valueSerde: S })
      .addProcessor(
        'p',
        () => ({
          init(ctx: ProcessorContext<string, string>) {
            ctx.schedule(10, 'STREAM_TIME', (ts) => {
              calls.push(`stream@${ts}`)
              ctx.forward({ key: 'tick', value: String(ts), timestamp: ts, headers: {} })
            })
            ctx.schedule(100, 'WALL_CLOCK_TIME', (ts) => {
              calls.push(`wall@${ts}`)
            })
          },
          process(r: Record<string, string>) {
            calls.push(`rec@${r.timestamp}`)
          },
        }),
        'src',
      )
      .addSink({ name: 'sink', topic: 'ticks', keySerde: S, valueSerde: S }, 'p')
    let now = 1000
    const out = new Capture()
    const task = passThroughTask(t, out, { now: () => now })
    await task.initialize()
    task.addRecords('in', 2, [raw(0, 3, 'k', 'v'), raw(1, 5, 'k', 'v'), raw(2, 26, 'k', 'v'), raw(3, 27, 'k', 'v'), raw(4, 4, 'k', 'v')])
    await task.process(10)
    // first punctuation as soon as there is data (aligned to 0); a gap fires once and realigns
    expect(calls).toEqual(['rec@3', 'stream@3', 'rec@5', 'rec@26', 'stream@26', 'rec@27', 'rec@4'])
    expect(out.sent.map((r) => r.value)).toEqual(['3', '26'])
    now = 1099
    expect(await task.punctuate(now)).toBe(0)
    now = 1100
    expect(await task.punctuate(now)).toBe(1)
    expect(calls.at(-1)).toBe('wall@1100')
    await task.close()
  })

  it('processes a synchronous batch without awaiting, and awaits async serdes only when they return a promise', async () => {
    let asyncCalls = 0
    const slowFirst: AsyncSerde<string> = {
      serialize: (_t, v) => (v === null ? null : Buffer.from(v)),
      deserialize: (_t, data) => {
        if (data === null) return null
        const s = data.toString()
        if (s.startsWith('slow')) {
          asyncCalls++
          return new Promise((resolve) => setTimeout(() => resolve(s.toUpperCase()), 5))
        }
        return s
      },
    }
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, slowFirst)).mapValues((v) => `${v}!`).to('out', Produced.with(S, S))
    const out = new Capture()
    const task = passThroughTask(b.build(), out)
    await task.initialize()
    task.addRecords('in', 2, [raw(0, 1, 'k', 'slow-a'), raw(1, 2, 'k', 'b'), raw(2, 3, 'k', 'slow-c'), raw(3, 4, 'k', 'd')])
    await task.process(10)
    expect(asyncCalls).toBe(2)
    expect(out.sent.map((r) => r.value)).toEqual(['SLOW-A!', 'b!', 'SLOW-C!', 'd!'])
  })

  it('keeps forward order when a child is asynchronous', async () => {
    const order: string[] = []
    const t = new Topology()
      .addSource({ name: 'src', topics: ['in'], keySerde: S, valueSerde: S })
      .addProcessor(
        'slow',
        () => ({
          async process(r: Record<string, string>) {
            await new Promise((res) => setTimeout(res, 3))
            order.push(`slow:${r.value}`)
          },
        }),
        'src',
      )
      .addProcessor('fast', () => ({ process: (r: Record<string, string>) => void order.push(`fast:${r.value}`) }), 'src')
    const task = passThroughTask(t, new Capture())
    await task.initialize()
    task.addRecords('in', 2, [raw(0, 1, 'k', '1'), raw(1, 2, 'k', '2')])
    await task.process(10)
    expect(order).toEqual(['slow:1', 'fast:1', 'slow:2', 'fast:2'])
  })

  it('returns the stores to restore from their changelogs, then restores through the callbacks', async () => {
    const b = new StreamsBuilder()
    const { Materialized } = await import('../../../topology/index.js')
    b.stream('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts'))
    const task = passThroughTask(b.build(), new Capture())
    const restores = await task.initialize()
    expect(restores.map((r) => [r.storeName, r.topic, r.partition, r.offset])).toEqual([['counts', 'app-counts-changelog', 2, null]])
    // as Kafka Streams, a timestamped store's changelog carries the plain value and the record timestamp
    const eight = Buffer.alloc(8)
    eight.writeBigInt64BE(3n, 0)
    await restores[0].restore([{ key: Buffer.from('k'), value: eight, timestamp: 77, offset: 0 }])
    task.addRecords('in', 2, [raw(0, 80, 'k', 'x')])
    await task.process(1)
    await task.commit()
    const store = task.getStore('counts') as unknown as { get(k: string): Promise<{ value: number; timestamp: number }> }
    expect(await store.get('k')).toEqual({ value: 4, timestamp: 80 })
    await task.close()
  })

  it('a global-store task restores its store from every partition of the source topic', async () => {
    const { Materialized } = await import('../../../topology/index.js')
    const { GLOBAL_ALL_PARTITIONS } = await import('../../../topology/internals/stream-task.js')
    const b = new StreamsBuilder()
    b.globalTable('rates', Consumed.with(S, S), Materialized.as('rates-store'))
    b.stream('in').to('out')
    const global = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: new Capture(), cacheMaxBytes: 0 })
    expect(global.id).toBe('global_0')
    expect(global.isGlobal).toBe(true)
    const restores = await global.initialize()
    expect(restores.map((r) => [r.storeName, r.topic, r.partition, r.offset])).toEqual([['rates-store', 'rates', GLOBAL_ALL_PARTITIONS, null]])
    await restores[0].restore([{ key: Buffer.from('eur'), value: Buffer.from('1.1'), timestamp: 5, offset: 0 }])
    // then it keeps the store current from any partition of the topic
    global.addRecords('rates', 3, [raw(7, 9, 'usd', '1.0')])
    await global.process(10)
    await global.commit()
    const store = global.getStore('rates-store') as unknown as { get(k: string): Promise<{ value: string } | null> }
    expect((await store.get('eur'))?.value).toBe('1.1')
    expect((await store.get('usd'))?.value).toBe('1.0')
    await global.close()
  })
})
