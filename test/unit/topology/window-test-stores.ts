// Typed views over the real in-memory window and session stores, for exercising the windowed
// aggregation cores without a topology. Keys are strings, values JSON.
import { InMemoryWindowStore } from '../../../stores/memory/in-memory-window-store.js'
import { InMemorySessionStore } from '../../../stores/memory/in-memory-session-store.js'
import type { StateStoreContext, StateStore } from '../../../stores/state-store.js'
import type { KeyValue, Windowed } from '../../../stores/key-value.js'

const context = {
  applicationId: 'test',
  taskId: '0_0',
  partition: 0,
  taskDir: '',
  cache: null,
  changelogTopic: (s: string) => `test-${s}-changelog`,
  collector: { send() {} },
  recordContext: () => ({ topic: 't', partition: 0, offset: 0, timestamp: 0, headers: {} }),
  register() {},
} as unknown as StateStoreContext

const k = (s: string) => Buffer.from(s, 'utf8')
const enc = (v: unknown) => Buffer.from(JSON.stringify(v))
const dec = <V>(b: Buffer | null): V | null => (b === null ? null : (JSON.parse(b.toString()) as V))

export async function typedWindowStore<V>(retentionPeriod: number, windowSize: number) {
  const inner = new InMemoryWindowStore('w', { retentionPeriod, windowSize, retainDuplicates: false, segmentInterval: Math.max(1, Math.floor(retentionPeriod / 2)) })
  await inner.init(context, inner as unknown as StateStore)
  return {
    inner,
    put: (key: string, value: V | null, start: number) => inner.put(k(key), value === null ? null : enc(value), start),
    fetch: (key: string, start: number) => dec<V>(inner.fetch(k(key), start)),
    async *fetchRange(key: string, from: number, to: number): AsyncIterable<KeyValue<number, V>> {
      for await (const kv of inner.fetchRange(k(key), from, to)) yield { key: kv.key, value: dec<V>(kv.value)! }
    },
    async all(): Promise<{ key: string; start: number; value: V }[]> {
      const out: { key: string; start: number; value: V }[] = []
      for await (const kv of inner.all()) out.push({ key: kv.key.key.toString(), start: kv.key.window.start, value: dec<V>(kv.value)! })
      return out
    },
  }
}

export async function typedSessionStore<V>(retentionPeriod: number) {
  const inner = new InMemorySessionStore('s', { retentionPeriod, segmentInterval: Math.max(1, Math.floor(retentionPeriod / 2)) })
  await inner.init(context, inner as unknown as StateStore)
  const wk = (w: Windowed<string>): Windowed<Buffer> => ({ key: k(w.key), window: w.window })
  return {
    inner,
    put: (s: Windowed<string>, v: V | null) => inner.put(wk(s), v === null ? null : enc(v)),
    remove: (s: Windowed<string>) => inner.remove(wk(s)),
    async *findSessions(key: string, earliestEnd: number, latestStart: number): AsyncIterable<KeyValue<Windowed<string>, V>> {
      for await (const kv of inner.findSessions(k(key), earliestEnd, latestStart)) {
        yield { key: { key, window: kv.key.window }, value: dec<V>(kv.value)! }
      }
    },
    async sessions(key: string): Promise<{ start: number; end: number; value: V }[]> {
      const out: { start: number; end: number; value: V }[] = []
      for await (const kv of inner.fetch(k(key))) out.push({ ...kv.key.window, value: dec<V>(kv.value)! })
      return out
    },
  }
}
