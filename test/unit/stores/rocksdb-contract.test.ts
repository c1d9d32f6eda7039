// The RocksDB stores must behave exactly as the in-memory ones: random operation sequences
// (with flushes at random points, so reads cross the pending-write / on-disk boundary) run
// against both, and every read must answer the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { join } from 'node:path'
import type { KeyValueBytesStore } from '../../../stores/key-value-store.js'
import type { WindowBytesStore } from '../../../stores/window-store.js'
import type { SessionBytesStore } from '../../../stores/session-store.js'
import type { StateStore } from '../../../stores/state-store.js'
import { InMemoryKeyValueStore } from '../../../stores/memory/in-memory-key-value-store.js'
import { InMemoryWindowStore } from '../../../stores/memory/in-memory-window-store.js'
import { InMemorySessionStore } from '../../../stores/memory/in-memory-session-store.js'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { RocksDBWindowStore } from '../../../stores/rocksdb/rocksdb-window-store.js'
import { RocksDBSessionStore } from '../../../stores/rocksdb/rocksdb-session-store.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}
const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'))
const kv = (es: { key: Buffer; value: Buffer }[]) => es.map((e) => `${hex(e.key)}=${hex(e.value)}`)
const win = (es: { key: { key: Buffer; window: { start: number; end: number } }; value: Buffer }[]) =>
  es.map((e) => `${hex(e.key.key)}@${e.key.window.start}-${e.key.window.end}=${hex(e.value)}`)

// few distinct bytes, so keys collide, share prefixes and straddle 0x7f/0x80
const keyArb = fc.uint8Array({ minLength: 1, maxLength: 3 }).map((a) => Buffer.from(a.map((x) => [0x00, 0x61, 0x62, 0x7f, 0x80, 0xff][x % 6])))
const valueArb = fc.option(fc.uint8Array({ minLength: 0, maxLength: 4 }).map((a) => Buffer.from(a)), { freq: 4 })
const rangeKeyArb = fc.option(keyArb, { freq: 3 })

let dir: Awaited<ReturnType<typeof tempDir>>
let n = 0
beforeAll(async () => {
  dir = await tempDir('kstreams-contract-')
})
afterAll(() => dir.remove())

async function initBoth(memory: StateStore, rocks: StateStore): Promise<void> {
  const taskDir = join(dir.path, 'app', `0_${n++}`)
  await memory.init(testContext({ taskDir }), memory)
  await rocks.init(testContext({ taskDir }), rocks)
}

const RUNS = { numRuns: 40 }

describe('RocksDB key-value store ≡ in-memory key-value store', () => {
  type Op =
    | { op: 'put'; k: Buffer; v: Buffer | null }
    | { op: 'delete'; k: Buffer }
    | { op: 'putIfAbsent'; k: Buffer; v: Buffer }
    | { op: 'flush' }
    | { op: 'get'; k: Buffer }
    | { op: 'range' | 'reverseRange'; from: Buffer | null; to: Buffer | null }
    | { op: 'prefix'; p: Buffer }
    | { op: 'all' | 'reverseAll' }
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), k: keyArb, v: valueArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), k: keyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('putIfAbsent' as const), k: keyArb, v: fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a)) }) },
    { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), k: keyArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('range' as const, 'reverseRange' as const), from: rangeKeyArb, to: rangeKeyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('prefix' as const), p: keyArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('all' as const, 'reverseAll' as const) }) },
  )
  const bytes = { serialize: (_t: string, d: Buffer | null) => d, deserialize: (_t: string, d: Buffer | null) => d }

  async function apply(s: KeyValueBytesStore, o: Op): Promise<unknown> {
    switch (o.op) {
      case 'put': return s.put(o.k, o.v)
      case 'delete': return hex(await s.delete(o.k))
      case 'putIfAbsent': return hex(await s.putIfAbsent(o.k, o.v))
      case 'flush': return s.flush()
      case 'get': return hex(await s.get(o.k))
      case 'range': return kv(await collect(s.range(o.from, o.to)))
      case 'reverseRange': return kv(await collect(s.reverseRange(o.from, o.to)))
      case 'prefix': return kv(await collect(s.prefixScan(o.p, bytes)))
      case 'all': return kv(await collect(s.all()))
      case 'reverseAll': return kv(await collect(s.reverseAll()))
    }
  }

  it('answers every read the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const memory = new InMemoryKeyValueStore('kv')
        // odd-length runs bound unflushed writes tightly, so early background batches interleave with reads
        const rocks = new RocksDBKeyValueStore('kv', ops.length % 2 === 1 ? { maxPendingBytes: 600 } : {})
        await initBoth(memory, rocks)
        try {
          for (const o of ops) expect(await apply(rocks, o)).toEqual(await apply(memory, o))
          await rocks.flush()
          expect(kv(await collect(rocks.all()))).toEqual(kv(await collect(memory.all())))
        } finally {
          await rocks.close()
          await memory.close()
        }
      }),
      RUNS,
    )
  })
})

describe('RocksDB window store ≡ in-memory window store', () => {
  const MIN = 60_000
  type Op =
    | { op: 'put'; k: Buffer; v: Buffer | null; t: number }
    | { op: 'flush' }
    | { op: 'fetch'; k: Buffer; t: number }
    | { op: 'fetchRange' | 'backwardFetchRange'; k: Buffer; from: number; to: number }
    | { op: 'fetchKeyRange'; kf: Buffer | null; kt: Buffer | null; from: number; to: number }
    | { op: 'fetchAll'; from: number; to: number }
    | { op: 'all' }
  // window starts on a 10 s grid over 6 minutes: several 1-minute segments, 2-minute retention
  const tArb = fc.integer({ min: 0, max: 36 }).map((x) => x * 10_000)
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), k: keyArb, v: valueArb, t: tArb }) },
    { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('fetch' as const), k: keyArb, t: tArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('fetchRange' as const, 'backwardFetchRange' as const), k: keyArb, from: tArb, to: tArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fetchKeyRange' as const), kf: rangeKeyArb, kt: rangeKeyArb, from: tArb, to: tArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fetchAll' as const), from: tArb, to: tArb }) },
    { weight: 1, arbitrary: fc.constant({ op: 'all' as const }) },
  )

  async function apply(s: WindowBytesStore, o: Op): Promise<unknown> {
    switch (o.op) {
      case 'put': return s.put(o.k, o.v, o.t)
      case 'flush': return s.flush()
      case 'fetch': return hex(await s.fetch(o.k, o.t))
      case 'fetchRange': return (await collect(s.fetchRange(o.k, o.from, o.to))).map((e) => `${e.key}=${hex(e.value)}`)
      case 'backwardFetchRange': return (await collect(s.backwardFetchRange(o.k, o.from, o.to))).map((e) => `${e.key}=${hex(e.value)}`)
      case 'fetchKeyRange': return win(await collect(s.fetchKeyRange(o.kf, o.kt, o.from, o.to)))
      case 'fetchAll': return win(await collect(s.fetchAll(o.from, o.to)))
      case 'all': return win(await collect(s.all()))
    }
  }

  for (const retainDuplicates of [false, true]) {
    it(`answers every read the same (retainDuplicates: ${retainDuplicates})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
          const options = { retentionPeriod: 2 * MIN, windowSize: 10_000, retainDuplicates, segmentInterval: MIN }
          const memory = new InMemoryWindowStore('w', options)
          const rocks = new RocksDBWindowStore('w', options.retentionPeriod, options.windowSize, retainDuplicates, options.segmentInterval)
          await initBoth(memory, rocks)
          try {
            for (const o of ops) expect(await apply(rocks, o)).toEqual(await apply(memory, o))
          } finally {
            await rocks.close()
            await memory.close()
          }
        }),
        { numRuns: 25 },
      )
    })
  }
})

describe('RocksDB session store ≡ in-memory session store', () => {
  const MIN = 60_000
  type Op =
    | { op: 'put'; k: Buffer; s: number; len: number; v: Buffer | null }
    | { op: 'flush' }
    | { op: 'fetchSession'; k: Buffer; s: number; len: number }
    | { op: 'findSessions'; k: Buffer; earliestEnd: number; latestStart: number }
    | { op: 'fetch'; k: Buffer }
  const tArb = fc.integer({ min: 0, max: 30 }).map((x) => x * 10_000)
  const lenArb = fc.integer({ min: 0, max: 3 }).map((x) => x * 5_000)
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), k: keyArb, s: tArb, len: lenArb, v: valueArb }) },
    { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('fetchSession' as const), k: keyArb, s: tArb, len: lenArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('findSessions' as const), k: keyArb, earliestEnd: tArb, latestStart: tArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fetch' as const), k: keyArb }) },
  )

  async function apply(st: SessionBytesStore, o: Op): Promise<unknown> {
    switch (o.op) {
      case 'put': return st.put({ key: o.k, window: { start: o.s, end: o.s + o.len } }, o.v)
      case 'flush': return st.flush()
      case 'fetchSession': return hex(await st.fetchSession(o.k, o.s, o.s + o.len))
      case 'findSessions': return win(await collect(st.findSessions(o.k, o.earliestEnd, o.latestStart)))
      case 'fetch': return win(await collect(st.fetch(o.k)))
    }
  }

  it('answers every read the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const memory = new InMemorySessionStore('s', { retentionPeriod: 2 * MIN, segmentInterval: MIN })
        const rocks = new RocksDBSessionStore('s', 2 * MIN, MIN)
        await initBoth(memory, rocks)
        try {
          for (const o of ops) expect(await apply(rocks, o)).toEqual(await apply(memory, o))
        } finally {
          await rocks.close()
          await memory.close()
        }
      }),
      { numRuns: 25 },
    )
  })
})
