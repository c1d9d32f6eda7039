import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { cacheEntrySize } from '../../../stores/cache/thread-cache.js'
import type { KeyValueStore } from '../../../stores/key-value-store.js'
import { describeLayers, keyValueImplementations, layerCombinations, type KeyValueImplementation, type Layers } from './implementations.js'
import { ContractTask, byteOrder, latin1Serde } from './support/contract-harness.js'

const KEYS = ['a', 'a\x00', 'ab', 'abc', 'b', 'B', '\x00', '\xff', '\xff\x00', 'zz']

type Op = { kind: 'put'; key: string; value: string | null } | { kind: 'delete'; key: string } | { kind: 'putIfAbsent'; key: string; value: string } | { kind: 'flush' } | { kind: 'scan' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...KEYS), value: fc.option(fc.string({ maxLength: 3 }), { freq: 5 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant('putIfAbsent' as const), key: fc.constantFrom(...KEYS), value: fc.string({ maxLength: 3 }) }),
  fc.constant({ kind: 'flush' as const }),
  fc.constant({ kind: 'scan' as const }),
)

function sortedModel(model: Map<string, string>): [string, string][] {
  return [...model.entries()].sort((x, y) => byteOrder(x[0], y[0]))
}

async function apply(store: KeyValueStore<string, string>, model: Map<string, string>, op: Op): Promise<void> {
  switch (op.kind) {
    case 'put':
      await store.put(op.key, op.value)
      if (op.value === null) model.delete(op.key)
      else model.set(op.key, op.value)
      return
    case 'delete':
      expect(await store.delete(op.key)).toBe(model.get(op.key) ?? null)
      model.delete(op.key)
      return
    case 'putIfAbsent': {
      expect(await store.putIfAbsent(op.key, op.value)).toBe(model.get(op.key) ?? null)
      if (!model.has(op.key)) model.set(op.key, op.value)
      return
    }
    case 'flush':
      await store.flush()
      return
    case 'scan': {
      // Mid-sequence scans exercise the sorted index as keys come and go.
      const got = (await collect(store.all())).map((kv) => [kv.key, kv.value])
      expect(got).toEqual(sortedModel(model))
    }
  }
}

async function expectEqualsModel(store: KeyValueStore<string, string>, model: Map<string, string>): Promise<void> {
  const sorted = sortedModel(model)
  const pairs = (kvs: { key: string; value: string }[]) => kvs.map((kv) => [kv.key, kv.value])
  for (const k of KEYS) expect(await store.get(k)).toBe(model.get(k) ?? null)
  expect(pairs(await collect(store.all()))).toEqual(sorted)
  expect(pairs(await collect(store.reverseAll()))).toEqual([...sorted].reverse())
  const inRange = (lo: string | null, hi: string | null) => sorted.filter(([k]) => (lo === null || k >= lo) && (hi === null || k <= hi))
  for (const [lo, hi] of [['a', 'b'], [null, 'ab'], ['ab', null], ['a\x00', 'a\x00'], ['b', 'a']] as [string | null, string | null][]) {
    expect(pairs(await collect(store.range(lo, hi)))).toEqual(inRange(lo, hi))
    expect(pairs(await collect(store.reverseRange(lo, hi)))).toEqual(inRange(lo, hi).reverse())
  }
  for (const p of ['a', 'ab', '\xff', 'q']) {
    expect(pairs(await collect(store.prefixScan(p, latin1Serde)))).toEqual(sorted.filter(([k]) => k.startsWith(p)))
  }
}

for (const impl of keyValueImplementations) {
  for (const layers of layerCombinations) {
    describe(`key-value store contract: ${impl.name}, ${describeLayers(layers)}`, () => {
      let task: ContractTask
      afterEach(async () => task?.close())

      const open = async (name = 'kv', cacheBytes?: number) => {
        task = new ContractTask(cacheBytes)
        return task.build(Stores.keyValueStoreBuilder(impl.supplier(name), latin1Serde, latin1Serde), layers)
      }

      it('reads, orders and scans as a sorted map does', async () => {
        const store = await open()
        const model = new Map<string, string>()
        const ops: Op[] = [
          ...KEYS.map((key, i) => ({ kind: 'put' as const, key, value: `v${i}` })),
          { kind: 'delete', key: 'ab' },
          { kind: 'put', key: 'b', value: null },
          { kind: 'putIfAbsent', key: 'a', value: 'nope' },
          { kind: 'putIfAbsent', key: 'ab', value: 'again' },
          { kind: 'flush' },
          { kind: 'put', key: 'zz', value: 'last' },
        ]
        for (const op of ops) await apply(store, model, op)
        await expectEqualsModel(store, model)
        await store.flush()
        await expectEqualsModel(store, model)
      })

      it('sends the changelog records the layers promise', async () => {
        const store = await open('logged')
        const ctx = task.ctx
        ctx.setRecord(10)
        await store.put('k', '1')
        ctx.setRecord(11)
        await store.put('j', '1')
        ctx.setRecord(12)
        await store.put('k', '2')
        await store.delete('j')
        await store.flush()
        const sent = ctx.collector.sent.map((r) => [r.topic, r.partition, r.key?.toString('latin1'), r.value?.toString('latin1') ?? null, r.timestamp])
        const t = 'app-logged-changelog'
        if (!layers.logging) expect(sent).toEqual([])
        else if (!layers.caching) {
          expect(sent).toEqual([[t, 3, 'k', '1', 10], [t, 3, 'j', '1', 11], [t, 3, 'k', '2', 12], [t, 3, 'j', null, 12]])
        } else {
          // Deduped per flush, in first-dirty order. With no flush listener the cache writes
          // every dirty entry below, as Kafka Streams (so j's tombstone is logged).
          expect(sent).toEqual([[t, 3, 'k', '2', 12], [t, 3, 'j', null, 12]])
        }
      })

      it('restoring the changelog rebuilds the same contents', async () => {
        if (!layers.logging) return
        const store = await open('restorable')
        const model = new Map<string, string>()
        for (const op of [
          { kind: 'put', key: 'a', value: '1' },
          { kind: 'put', key: 'b', value: '2' },
          { kind: 'flush' },
          { kind: 'delete', key: 'a' },
          { kind: 'put', key: 'c', value: '3' },
          { kind: 'put', key: 'b', value: '4' },
        ] as Op[]) await apply(store, model, op)
        await store.flush()
        const restored = await task.restoreInto('restorable', Stores.keyValueStoreBuilder(impl.supplier('restorable'), latin1Serde, latin1Serde), layers)
        await expectEqualsModel(restored, model)
      })

      if (layers.caching) {
        it('forwards one deduplicated update per key and flush, in first-dirty order', async () => {
          const store = await open()
          const forwards = task.listen<string>(store)!
          expect(forwards).not.toBeNull()
          task.ctx.setRecord(1)
          await store.put('x', '1')
          task.ctx.setRecord(2)
          await store.put('y', '1')
          task.ctx.setRecord(3)
          await store.put('x', '2')
          await store.flush()
          await store.put('y', '2')
          await store.delete('x')
          await store.flush()
          expect(forwards).toEqual([
            { key: 'x', newValue: '2', oldValue: null, timestamp: 3 },
            { key: 'y', newValue: '1', oldValue: null, timestamp: 2 },
            { key: 'y', newValue: '2', oldValue: '1', timestamp: 3 },
            { key: 'x', newValue: null, oldValue: '2', timestamp: 3 },
          ])
        })

        it('stays correct while a small budget evicts', async () => {
          const store = await open('small', cacheEntrySize(Buffer.from('k00'), Buffer.from('v00')) * 4)
          const forwards = task.listen<string>(store)!
          const model = new Map<string, string>()
          for (let i = 0; i < 60; i++) {
            const key = `k${String((i * 7) % 13).padStart(2, '0')}`
            await apply(store, model, { kind: 'put', key, value: `v${i}` })
          }
          expect(forwards.length).toBeGreaterThan(0) // evictions forwarded before any commit
          await expectEqualsModel(store, model)
          await store.flush()
          const last = new Map<string, string | null>()
          for (const f of forwards) last.set(f.key, f.newValue)
          expect(new Map([...last].filter(([, v]) => v !== null))).toEqual(model)
          expect(task.ctx.cache!.sizeBytes()).toBeLessThanOrEqual(task.ctx.cache!.maxBytes)
        })
      } else {
        it('has no cache to forward from', async () => {
          const store = await open()
          expect(task.listen(store)).toBeNull()
        })
      }

      it('property: equals a Map model after random operations, scans included', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (ops, budgetEntries) => {
            const t = new ContractTask(cacheEntrySize(Buffer.from('ab'), Buffer.from('xyz')) * budgetEntries)
            try {
              const store = await t.build(Stores.keyValueStoreBuilder(impl.supplier('prop'), latin1Serde, latin1Serde), layers)
              const model = new Map<string, string>()
              for (const op of ops) await apply(store, model, op)
              await expectEqualsModel(store, model)
              if (layers.logging) {
                await store.flush()
                const restored = await t.restoreInto('prop', Stores.keyValueStoreBuilder(impl.supplier('prop'), latin1Serde, latin1Serde), layers)
                await expectEqualsModel(restored, model)
              }
            } finally {
              await t.close()
            }
          }),
          { numRuns: impl.propertyRuns ?? 60 },
        )
      })
    })
  }
}

export type { KeyValueImplementation, Layers }
