import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChangelogRecord, Headers, RecordContext } from '../../../stores/state-store.js'
import type { KeyValueStore } from '../../../stores/key-value-store.js'
import { Stores } from '../../../stores/stores.js'
import { StreamTask } from '../../../topology/internals/stream-task.js'
import type { RawRecord } from '../../../topology/internals/task-types.js'
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder, TopologyTestDriver, type ProcessorContext, type Record } from '../../../topology/index.js'

// The record context must follow async work: what a processor sees after an `await`, what it
// forwards and what its stores log belong to the record (or punctuation, or flushed cache entry)
// it is working on, not to whatever the task processed or flushed meanwhile.

const S = Serdes.String()
let stateDir: string
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kstreams-ctx-'))
})
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

const tick = () => new Promise<void>((r) => setTimeout(r, 1))
const raw = (offset: number, key: string, value: string, timestamp: number, headers?: Headers): RawRecord => ({
  offset,
  timestamp,
  key: Buffer.from(key),
  value: Buffer.from(value),
  headers,
})

interface Sent {
  topic: string
  key: string | null
  value: string | null
  timestamp: number
  headers: Headers | undefined
}

function collector() {
  const sent: Sent[] = []
  return {
    sent,
    send: (topic: string, r: ChangelogRecord) =>
      void sent.push({ topic, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp, headers: r.headers }),
    on: (topic: string) => sent.filter((s) => s.topic === topic),
  }
}

const where = (rc: RecordContext) => `${rc.topic}-${rc.partition}@${rc.offset} t=${rc.timestamp}`
const logStore = (name: string) => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), S, S)

async function runTask(b: StreamsBuilder, feed: (task: StreamTask) => void, cacheMaxBytes = 0) {
  const out = collector()
  const task = new StreamTask({ topology: b.build(), subtopologyId: 0, partition: 0, applicationId: 'app', stateDir, collector: out, cacheMaxBytes })
  await task.initialize()
  feed(task)
  await task.process(100)
  await task.commit()
  await task.close()
  return out
}

/**
 * A processor that forwards, awaits, then reads its record context, writes a logged store and
 * forwards again: everything after the await must still belong to its own record.
 */
function awaitingProcessor(seen: string[], storeName: string) {
  return () => {
    let ctx!: ProcessorContext<string, string>
    let store!: KeyValueStore<string, string>
    return {
      init(c: ProcessorContext<string, string>) {
        ctx = c
        store = c.getStateStore<KeyValueStore<string, string>>(storeName)
      },
      async process(r: Record<string, string | null>) {
        ctx.forward({ key: r.key, value: `${r.value}-first`, timestamp: r.timestamp + 1, headers: { id: `${String(r.headers.id)}-first` } })
        await tick()
        const rc = ctx.recordContext()
        seen.push(`${r.key}=${r.value} ${where(rc)} h=${String(rc.headers.id)}`)
        await store.put(r.key, String(r.value))
        ctx.forward({ key: r.key, value: `${r.value}-second`, timestamp: rc.timestamp, headers: rc.headers })
      },
    }
  }
}

/** Reads its context after an await, then forwards what it saw: it runs concurrently with its parent's continuation. */
function awaitingChild(seen: string[]) {
  return () => {
    let ctx!: ProcessorContext<string, string>
    return {
      init(c: ProcessorContext<string, string>) {
        ctx = c
      },
      async process(r: Record<string, string>) {
        await tick()
        await tick()
        const rc = ctx.recordContext()
        seen.push(`${r.value} ${where(rc)}`)
        ctx.forward({ ...r, value: `${r.value} @${rc.offset}/${rc.timestamp}/${String(rc.headers.id)}` })
      },
    }
  }
}

describe('the record context follows async processing', () => {
  it('an async processor fed from two topics sees, forwards and logs with its own record after each await', async () => {
    const seen: string[] = []
    const childSeen: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(logStore('seen-store'))
    b.stream(['a', 'b'], Consumed.with(S, S))
      .process(awaitingProcessor(seen, 'seen-store'), 'seen-store')
      .process(awaitingChild(childSeen))
      .to('out', Produced.with(S, S))
    const out = await runTask(b, (task) => {
      task.addRecords('a', 0, [raw(0, 'k1', 'a0', 10, { id: 'a0' }), raw(1, 'k2', 'a1', 30, { id: 'a1' })])
      task.addRecords('b', 0, [raw(5, 'k3', 'b5', 20, { id: 'b5' }), raw(6, 'k1', 'b6', 40, { id: 'b6' })])
    })
    expect(seen).toEqual(['k1=a0 a-0@0 t=10 h=a0', 'k3=b5 b-0@5 t=20 h=b5', 'k2=a1 a-0@1 t=30 h=a1', 'k1=b6 b-0@6 t=40 h=b6'])
    // the child runs concurrently with its parent's continuation; each sees the record forwarded to it
    expect(out.on('out').map((s) => `${s.value} t=${s.timestamp} h=${String(s.headers?.id)}`)).toEqual([
      'a0-first @0/11/a0-first t=11 h=a0-first',
      'a0-second @0/10/a0 t=10 h=a0',
      'b5-first @5/21/b5-first t=21 h=b5-first',
      'b5-second @5/20/b5 t=20 h=b5',
      'a1-first @1/31/a1-first t=31 h=a1-first',
      'a1-second @1/30/a1 t=30 h=a1',
      'b6-first @6/41/b6-first t=41 h=b6-first',
      'b6-second @6/40/b6 t=40 h=b6',
    ])
    expect(out.on('app-seen-store-changelog').map((s) => `${s.key}=${s.value} t=${s.timestamp}`)).toEqual(['k1=a0 t=10', 'k3=b5 t=20', 'k2=a1 t=30', 'k1=b6 t=40'])
  })

  it('a child sees the timestamp and headers of the record forwarded to it, as in Kafka Streams', async () => {
    const childSeen: string[] = []
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .process(() => {
        let ctx!: ProcessorContext<string, string>
        return {
          init: (c: ProcessorContext<string, string>) => void (ctx = c),
          process: (r: Record<string, string | null>) => ctx.forward({ key: r.key, value: String(r.value), timestamp: r.timestamp + 1000, headers: { id: 'changed' } }),
        }
      })
      .process(awaitingChild(childSeen))
      .to('out', Produced.with(S, S))
    await runTask(b, (task) => task.addRecords('in', 0, [raw(3, 'k', 'v', 7, { id: 'orig' })]))
    expect(childSeen).toEqual(['v in-0@3 t=1007'])
  })

  it('records forwarded by a cache flush reach async processors with the context of the write they stand for', async () => {
    const seen: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(logStore('after-flush'))
    b.table('t', Consumed.with(S, S), Materialized.as<string, string>('table-store').withKeySerde(S).withValueSerde(S))
      .toStream()
      .process(awaitingProcessor(seen, 'after-flush'), 'after-flush')
      .to('out', Produced.with(S, S))
    // a large cache: nothing is flushed before commit, when the last record processed is t-0@3
    const out = await runTask(
      b,
      (task) => task.addRecords('t', 0, [raw(0, 'x', 'x0', 100, { id: 'x0' }), raw(1, 'y', 'y1', 200, { id: 'y1' }), raw(2, 'x', 'x2', 300, { id: 'x2' }), raw(3, 'z', 'z3', 400, { id: 'z3' })]),
      1 << 20,
    )
    expect(seen).toEqual(['x=x2 t-0@2 t=300 h=x2', 'y=y1 t-0@1 t=200 h=y1', 'z=z3 t-0@3 t=400 h=z3'])
    expect(out.on('out').map((s) => `${s.key}=${s.value} t=${s.timestamp} h=${String(s.headers?.id)}`)).toEqual([
      'x=x2-first t=301 h=x2-first',
      'x=x2-second t=300 h=x2',
      'y=y1-first t=201 h=y1-first',
      'y=y1-second t=200 h=y1',
      'z=z3-first t=401 h=z3-first',
      'z=z3-second t=400 h=z3',
    ])
    // the table's own changelog (written at flush) and the downstream store's carry each write's time
    expect(out.on('app-table-store-changelog').map((s) => `${s.key}=${s.value} t=${s.timestamp}`)).toEqual(['x=x2 t=300', 'y=y1 t=200', 'z=z3 t=400'])
    expect(out.on('app-after-flush-changelog').map((s) => `${s.key}=${s.value} t=${s.timestamp}`)).toEqual(['x=x2 t=300', 'y=y1 t=200', 'z=z3 t=400'])
  })

  it('mapValuesAsync results reach async processors with their own record context', async () => {
    const seen: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(logStore('after-async'))
    b.stream('in', Consumed.with(S, S))
      .mapValuesAsync(
        async (v) => {
          await tick()
          return `${v}!`
        },
        { concurrency: 3 },
      )
      .process(awaitingProcessor(seen, 'after-async'), 'after-async')
      .to('out', Produced.with(S, S))
    const out = await runTask(b, (task) =>
      task.addRecords('in', 0, [raw(0, 'a', 'v0', 5, { id: 'h0' }), raw(1, 'b', 'v1', 6, { id: 'h1' }), raw(2, 'c', 'v2', 7, { id: 'h2' }), raw(3, 'd', 'v3', 8, { id: 'h3' })]),
    )
    expect(seen).toEqual(['a=v0! in-0@0 t=5 h=h0', 'b=v1! in-0@1 t=6 h=h1', 'c=v2! in-0@2 t=7 h=h2', 'd=v3! in-0@3 t=8 h=h3'])
    expect(out.on('out').map((s) => `${s.value} t=${s.timestamp} h=${String(s.headers?.id)}`)).toEqual([
      'v0!-first t=6 h=h0-first',
      'v0!-second t=5 h=h0',
      'v1!-first t=7 h=h1-first',
      'v1!-second t=6 h=h1',
      'v2!-first t=8 h=h2-first',
      'v2!-second t=7 h=h2',
      'v3!-first t=9 h=h3-first',
      'v3!-second t=8 h=h3',
    ])
    expect(out.on('app-after-async-changelog').map((s) => `${s.key} t=${s.timestamp}`)).toEqual(['a t=5', 'b t=6', 'c t=7', 'd t=8'])
  })

  it('a punctuator that awaits forwards and logs with the punctuation time and no input headers', async () => {
    const seen: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(logStore('punct-store'))
    b.stream('in', Consumed.with(S, S))
      .process(() => {
        let ctx!: ProcessorContext<string, string>
        let store!: KeyValueStore<string, string>
        return {
          init(c: ProcessorContext<string, string>) {
            ctx = c
            store = c.getStateStore<KeyValueStore<string, string>>('punct-store')
            c.schedule(100, 'STREAM_TIME', async (time) => {
              ctx.forward({ key: 'tick', value: `first@${time}`, timestamp: time + 1, headers: ctx.recordContext().headers })
              await tick()
              const rc = ctx.recordContext()
              seen.push(`${time} ${where(rc)} headers=${JSON.stringify(rc.headers)}`)
              await store.put('tick', String(time))
              ctx.forward({ key: 'tick', value: `second@${time}`, timestamp: rc.timestamp, headers: rc.headers })
            })
          },
          async process(r: Record<string, string | null>) {
            await tick()
            ctx.forward({ key: r.key, value: String(r.value), timestamp: r.timestamp, headers: r.headers })
          },
        }
      }, 'punct-store')
      .process(awaitingChild([]))
      .to('out', Produced.with(S, S))
    const out = await runTask(b, (task) => task.addRecords('in', 0, [raw(0, 'k', 'v0', 150, { id: 'h0' }), raw(1, 'k', 'v1', 250, { id: 'h1' })]))
    expect(seen).toEqual(['150 --1@-1 t=150 headers={}', '250 --1@-1 t=250 headers={}'])
    expect(out.on('out').map((s) => `${s.value} t=${s.timestamp} h=${JSON.stringify(s.headers)}`)).toEqual([
      'v0 @0/150/h0 t=150 h={"id":"h0"}',
      'first@150 @-1/151/undefined t=151 h={}',
      'second@150 @-1/150/undefined t=150 h={}',
      'v1 @1/250/h1 t=250 h={"id":"h1"}',
      'first@250 @-1/251/undefined t=251 h={}',
      'second@250 @-1/250/undefined t=250 h={}',
    ])
    expect(out.on('app-punct-store-changelog').map((s) => `${s.value} t=${s.timestamp}`)).toEqual(['150 t=150', '250 t=250'])
  })

  it('under TopologyTestDriver: records piped to two topics come out with their own timestamps, headers and origin', async () => {
    const seen: string[] = []
    const b = new StreamsBuilder()
    b.addStateStore(logStore('seen-store'))
    b.stream(['a', 'b'], Consumed.with(S, S))
      .process(awaitingProcessor(seen, 'seen-store'), 'seen-store')
      .process(awaitingChild([]))
      .to('out', Produced.with(S, S))
    const driver = new TopologyTestDriver(b.build())
    try {
      await driver.createInputTopic('a', S, S).pipeInput('k1', 'a0', 10, { id: 'a0' })
      await driver.createInputTopic('b', S, S).pipeInput('k2', 'b0', 20, { id: 'b0' })
      await driver.createInputTopic('a', S, S).pipeInput('k1', 'a1', 30, { id: 'a1' })
      expect(seen).toEqual(['k1=a0 a-0@0 t=10 h=a0', 'k2=b0 b-0@0 t=20 h=b0', 'k1=a1 a-0@1 t=30 h=a1'])
      expect(driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => `${r.value} t=${r.timestamp} h=${String(r.headers.id)}`)).toEqual([
        'a0-first @0/11/a0-first t=11 h=a0-first',
        'a0-second @0/10/a0 t=10 h=a0',
        'b0-first @0/21/b0-first t=21 h=b0-first',
        'b0-second @0/20/b0 t=20 h=b0',
        'a1-first @1/31/a1-first t=31 h=a1-first',
        'a1-second @1/30/a1 t=30 h=a1',
      ])
    } finally {
      await driver.close()
    }
  })
})
