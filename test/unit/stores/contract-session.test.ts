import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { toSessionKey } from '../../../stores/internals/key-schema.js'
import type { SessionStore } from '../../../stores/session-store.js'
import { describeLayers, layerCombinations, sessionImplementations, type Layers, type SessionImplementation } from './implementations.js'
import { ContractTask, latin1Serde } from './support/contract-harness.js'

const RETENTION = 100_000
const GAP = 5_000
const KEYS = ['u', 'u\x00', 'v']

type Session = { key: string; start: number; end: number; value: string }

class SessionModel {
  readonly sessions = new Map<string, Session>()
  streamTime = -1

  put(key: string, start: number, end: number, value: string | null): void {
    this.streamTime = Math.max(this.streamTime, end)
    if (end <= this.streamTime - RETENTION) return
    const id = `${key}|${start}|${end}`
    if (value === null) this.sessions.delete(id)
    else this.sessions.set(id, { key, start, end, value })
  }

  find(key: string, earliestEnd: number, latestStart: number): string[] {
    return [...this.sessions.values()]
      .filter((s) => s.key === key && s.end > this.streamTime - RETENTION && s.end >= earliestEnd && s.start <= latestStart)
      .sort((x, y) => x.end - y.end || x.start - y.start)
      .map(fmtSession)
  }
}

const fmtSession = (s: { start: number; end: number; value: string }) => `[${s.start},${s.end}]=${s.value}`
const fmt = (kvs: { key: { key: string; window: { start: number; end: number } }; value: string }[]) =>
  kvs.map((kv) => fmtSession({ ...kv.key.window, value: kv.value }))

async function expectEqualsModel(store: SessionStore<string, string>, model: SessionModel): Promise<void> {
  for (const key of KEYS) {
    expect(fmt(await collect(store.fetch(key)))).toEqual(model.find(key, 0, Number.MAX_SAFE_INTEGER))
    for (const [e, l] of [[0, 10_000], [5_000, 5_000], [20_000, 60_000], [50_000, 10_000]]) {
      expect(fmt(await collect(store.findSessions(key, e, l)))).toEqual(model.find(key, e, l))
    }
    for (const s of model.sessions.values()) {
      if (s.key !== key) continue
      const live = s.end > model.streamTime - RETENTION
      expect(await store.fetchSession(key, s.start, s.end)).toBe(live ? s.value : null)
    }
  }
}

/**
 * A session-windowed count driven through the store as Kafka Streams' session aggregation does:
 * find overlapping sessions, remove them, put the merged one.
 */
async function aggregate(store: SessionStore<string, string>, key: string, t: number): Promise<void> {
  const overlapping = await collect(store.findSessions(key, t - GAP, t + GAP))
  let start = t
  let end = t
  let count = 1
  for (const s of overlapping) {
    start = Math.min(start, s.key.window.start)
    end = Math.max(end, s.key.window.end)
    count += Number(s.value)
    await store.remove(s.key)
  }
  await store.put({ key, window: { start, end } }, String(count))
}

/** The expected sessions, computed directly: sort the times, split where the gap is exceeded. */
function expectedSessions(times: number[]): string[] {
  const sorted = [...times].sort((a, b) => a - b)
  const out: Session[] = []
  for (const t of sorted) {
    const last = out[out.length - 1]
    if (last && t - last.end <= GAP) {
      last.end = t
      last.value = String(Number(last.value) + 1)
    } else out.push({ key: 'k', start: t, end: t, value: '1' })
  }
  return out.map(fmtSession)
}

for (const impl of sessionImplementations) {
  for (const layers of layerCombinations) {
    describe(`session store contract: ${impl.name}, ${describeLayers(layers)}`, () => {
      let task: ContractTask
      afterEach(async () => task?.close())

      const builder = (name: string) => Stores.sessionStoreBuilder(impl.supplier(name, RETENTION), latin1Serde, latin1Serde)
      const open = async (name = 's') => {
        task = new ContractTask()
        return task.build(builder(name), layers)
      }

      it('finds, fetches and expires sessions as the model does', async () => {
        const store = await open()
        const model = new SessionModel()
        const puts: [string, number, number, string | null][] = [
          ['u', 0, 10_000, 'a'], ['u', 20_000, 30_000, 'b'], ['u', 5_000, 30_000, 'c'], ['u\x00', 0, 1, 'd'],
          ['v', 60_000, 90_000, 'e'], ['u', 20_000, 30_000, null], ['u', 95_000, 99_000, 'f'],
        ]
        for (const [k, s, e, v] of puts) {
          await store.put({ key: k, window: { start: s, end: e } }, v)
          model.put(k, s, e, v)
        }
        await expectEqualsModel(store, model)
        await store.put({ key: 'v', window: { start: 105_000, end: 110_000 } }, 'g') // stream time 110 s: ends <= 10 s expire
        model.put('v', 105_000, 110_000, 'g')
        await expectEqualsModel(store, model)
        await store.flush()
        await expectEqualsModel(store, model)
      })

      it('logs session keys', async () => {
        const store = await open('logged')
        task.ctx.setRecord(3)
        await store.put({ key: 'u', window: { start: 1, end: 2 } }, 'x')
        await store.remove({ key: 'u', window: { start: 1, end: 2 } })
        await store.put({ key: 'u', window: { start: 1, end: 3 } }, 'y')
        await store.flush()
        const sent = task.ctx.collector.sent.map((r) => [r.key?.toString('hex'), r.value?.toString() ?? null])
        const k12 = toSessionKey(Buffer.from('u'), 1, 2).toString('hex')
        const k13 = toSessionKey(Buffer.from('u'), 1, 3).toString('hex')
        if (!layers.logging) expect(sent).toEqual([])
        else if (layers.caching) expect(sent).toEqual([[k12, null], [k13, 'y']])
        else expect(sent).toEqual([[k12, 'x'], [k12, null], [k13, 'y']])
      })

      it('property: session merging through the store yields the gap-split sessions', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 60 }).map((n) => n * 1_000), { maxLength: 25 }), async (times) => {
            const t = new ContractTask(1500)
            try {
              const store = await t.build(builder('agg'), layers)
              for (const time of times) await aggregate(store, 'k', time)
              expect(fmt(await collect(store.fetch('k')))).toEqual(expectedSessions(times))
              if (layers.logging) {
                await store.flush()
                const restored = await t.restoreInto('agg', builder('agg'), layers)
                expect(fmt(await collect(restored.fetch('k')))).toEqual(expectedSessions(times))
              }
            } finally {
              await t.close()
            }
          }),
          { numRuns: impl.propertyRuns ?? 40 },
        )
      })

      it('property: equals the model after random puts and removes', async () => {
        const opArb = fc.record({
          key: fc.constantFrom(...KEYS),
          start: fc.integer({ min: 0, max: 12 }).map((n) => n * 10_000),
          length: fc.integer({ min: 0, max: 3 }).map((n) => n * 5_000),
          value: fc.option(fc.string({ maxLength: 2 }), { freq: 4 }),
        })
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
            const t = new ContractTask(1500)
            try {
              const store = await t.build(builder('p'), layers)
              const model = new SessionModel()
              for (const op of ops) {
                await store.put({ key: op.key, window: { start: op.start, end: op.start + op.length } }, op.value)
                model.put(op.key, op.start, op.start + op.length, op.value)
              }
              await expectEqualsModel(store, model)
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

export type { Layers, SessionImplementation }
