import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { segmentId, toWindowKey } from '../../../stores/internals/key-schema.js'
import type { WindowStore } from '../../../stores/window-store.js'
import { describeLayers, layerCombinations, windowImplementations, type Layers, type WindowImplementation } from './implementations.js'
import { ContractTask, latin1Serde } from './support/contract-harness.js'

const SIZE = 10_000
const RETENTION = 120_000 // segment interval 60 s: the times below span several segments
const KEYS = ['a', 'a\x00', 'ab', 'b', '\xff']
const STARTS = Array.from({ length: 21 }, (_, i) => i * 15_000)

/** The contract's model: a map of live windows, stream time and the expiry rule. */
class WindowModel {
  readonly windows = new Map<string, { key: string; start: number; value: string }>()
  streamTime = -1
  constructor(private readonly segmentInterval: number) {}

  put(key: string, value: string | null, start: number): void {
    this.streamTime = Math.max(this.streamTime, start)
    if (this.expired(start)) return
    const id = `${key}|${start}`
    if (value === null) this.windows.delete(id)
    else this.windows.set(id, { key, start, value })
  }

  expired(start: number): boolean {
    return start <= this.streamTime - RETENTION
  }

  live() {
    return [...this.windows.values()].filter((w) => !this.expired(w.start))
  }

  /** Multi-key order: segment, then window-key bytes. */
  ordered(filter: (w: { key: string; start: number }) => boolean) {
    return this.live()
      .filter(filter)
      .sort(
        (x, y) =>
          segmentId(x.start, this.segmentInterval) - segmentId(y.start, this.segmentInterval) ||
          Buffer.compare(toWindowKey(Buffer.from(x.key, 'latin1'), x.start), toWindowKey(Buffer.from(y.key, 'latin1'), y.start)),
      )
      .map((w) => `${w.key}@${w.start}-${w.start + SIZE}=${w.value}`)
  }
}

const fmt = (kvs: { key: { key: string; window: { start: number; end: number } }; value: string }[]) =>
  kvs.map((kv) => `${kv.key.key}@${kv.key.window.start}-${kv.key.window.end}=${kv.value}`)

async function expectEqualsModel(store: WindowStore<string, string>, model: WindowModel): Promise<void> {
  for (const key of KEYS) {
    const mine = model.live().filter((w) => w.key === key).sort((x, y) => x.start - y.start)
    for (const start of STARTS) expect(await store.fetch(key, start)).toBe(mine.find((w) => w.start === start)?.value ?? null)
    for (const [from, to] of [[0, 300_000], [30_000, 90_000], [45_000, 45_000], [90_000, 30_000]]) {
      const expected = mine.filter((w) => w.start >= from && w.start <= to).map((w) => [w.start, w.value])
      expect((await collect(store.fetchRange(key, from, to))).map((kv) => [kv.key, kv.value])).toEqual(expected)
      expect((await collect(store.backwardFetchRange(key, from, to))).map((kv) => [kv.key, kv.value])).toEqual(expected.reverse())
    }
  }
  const inTime = (from: number, to: number) => (w: { start: number }) => w.start >= from && w.start <= to
  expect(fmt(await collect(store.all()))).toEqual(model.ordered(() => true))
  expect(fmt(await collect(store.fetchAll(30_000, 150_000)))).toEqual(model.ordered(inTime(30_000, 150_000)))
  for (const [lo, hi] of [['a', 'ab'], [null, 'a\x00'], ['ab', null], ['b', 'a']] as [string | null, string | null][]) {
    const inKeys = (w: { key: string; start: number }) => (lo === null || w.key >= lo) && (hi === null || w.key <= hi) && (lo === null || hi === null || lo <= hi)
    expect(fmt(await collect(store.fetchKeyRange(lo, hi, 15_000, 240_000)))).toEqual(
      model.ordered((w) => inKeys(w) && inTime(15_000, 240_000)(w)),
    )
  }
}

type Op = { kind: 'put'; key: string; start: number; value: string | null } | { kind: 'flush' }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...KEYS), start: fc.constantFrom(...STARTS), value: fc.option(fc.string({ maxLength: 2 }), { freq: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
)

for (const impl of windowImplementations) {
  for (const layers of layerCombinations) {
    describe(`window store contract: ${impl.name}, ${describeLayers(layers)}`, () => {
      let task: ContractTask
      afterEach(async () => task?.close())

      const builder = (name: string, dups = false) =>
        Stores.windowStoreBuilder(impl.supplier(name, RETENTION, SIZE, dups), latin1Serde, latin1Serde)
      const open = async (name = 'w', dups = false) => {
        task = new ContractTask()
        return task.build(builder(name, dups), layers)
      }

      it('fetches, orders and expires as the model does', async () => {
        const store = await open()
        const model = new WindowModel(impl.supplier('w', RETENTION, SIZE, false).segmentInterval)
        const puts: [string, number, string | null][] = [
          ['b', 0, 'b0'], ['a', 0, 'a0'], ['a\x00', 15_000, 'x'], ['ab', 60_000, 'ab60'], ['a', 75_000, 'a75'],
          ['\xff', 75_000, 'ff'], ['a', 15_000, 'a15'], ['a', 0, null], ['b', 120_000, 'b120'],
        ]
        for (const [k, t, v] of puts) {
          await store.put(k, v, t)
          model.put(k, v, t)
        }
        await expectEqualsModel(store, model)
        await store.put('a', 'a150', 150_000) // stream time 150 s: windows starting at or before 30 s expire
        model.put('a', 'a150', 150_000)
        await store.put('b', 'late', 15_000) // expired on arrival
        model.put('b', 'late', 15_000)
        await expectEqualsModel(store, model)
        await store.flush()
        await expectEqualsModel(store, model)
      })

      it('retainDuplicates keeps every put, in arrival order per window start', async () => {
        const store = await open('join', true)
        await store.put('k', 'first', 5)
        await store.put('k', 'second', 5)
        await store.put('k', 'early', 1)
        await store.put('k', null, 5)
        await store.put('j', 'other', 5)
        await store.flush()
        expect((await collect(store.fetchRange('k', 0, 10))).map((kv) => `${kv.key}:${kv.value}`)).toEqual(['1:early', '5:first', '5:second'])
        expect(fmt(await collect(store.fetchAll(0, 10)))).toHaveLength(4)
      })

      it('logs window-store keys', async () => {
        const store = await open('logged')
        task.ctx.setRecord(7)
        await store.put('k', 'v1', 0)
        await store.put('k', 'v2', 0)
        await store.flush()
        const sent = task.ctx.collector.sent.map((r) => [r.key?.toString('hex'), r.value?.toString() ?? null, r.timestamp])
        const key = toWindowKey(Buffer.from('k'), 0).toString('hex')
        if (!layers.logging) expect(sent).toEqual([])
        else if (layers.caching) expect(sent).toEqual([[key, 'v2', 7]])
        else expect(sent).toEqual([[key, 'v1', 7], [key, 'v2', 7]])
      })

      it('property: equals the model after random puts, deletes and flushes; restores to the same', async () => {
        const interval = impl.supplier('p', RETENTION, SIZE, false).segmentInterval
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
            const t = new ContractTask(2000)
            try {
              const store = await t.build(builder('p'), layers)
              const model = new WindowModel(interval)
              for (const op of ops) {
                if (op.kind === 'flush') await store.flush()
                else {
                  await store.put(op.key, op.value, op.start)
                  model.put(op.key, op.value, op.start)
                }
              }
              await expectEqualsModel(store, model)
              if (layers.logging) {
                await store.flush()
                const restored = await t.restoreInto('p', builder('p'), layers)
                await expectEqualsModel(restored, model)
              }
            } finally {
              await t.close()
            }
          }),
          { numRuns: impl.propertyRuns ?? 40 },
        )
      })
    })
  }
}

export type { Layers, WindowImplementation }
