import { describe, expect, it } from 'vitest'
import { Stores } from '../../../stores/stores.js'
import { collect } from '../../../stores/internals/async-iterable.js'
import { TestStoreContext, stringSerde } from './support/store-context.js'

async function open(max: number, logging = true) {
  const builder = Stores.keyValueStoreBuilder(Stores.lruMap('lru', max), stringSerde, stringSerde)
  if (!logging) builder.withLoggingDisabled()
  const store = builder.build()
  const ctx = new TestStoreContext()
  await store.init(ctx, store)
  return { store, ctx }
}

describe('Stores.lruMap', () => {
  it('keeps at most maxCacheSize keys, dropping the least recently read or written', async () => {
    const { store } = await open(3, false)
    store.put('a', '1')
    store.put('b', '2')
    store.put('c', '3')
    expect(store.get('a')).toBe('1') // a is now the most recent
    store.put('d', '4') // drops b
    expect(store.get('b')).toBeNull()
    expect((await collect(store.all())).map((kv) => kv.key)).toEqual(['a', 'c', 'd'])
    store.delete('c')
    store.put('e', '5') // room freed by the delete: nothing dropped
    expect((await collect(store.all())).map((kv) => kv.key)).toEqual(['a', 'd', 'e'])
  })

  it('logs dropped keys as tombstones so a restore does not bring them back', async () => {
    const { store, ctx } = await open(2)
    store.put('a', '1')
    store.put('b', '2')
    store.put('c', '3')
    expect(ctx.collector.sent.map((r) => [r.key?.toString(), r.value?.toString() ?? null])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', null], // dropped while c goes in, as Kafka Streams logs it
      ['c', '3'],
    ])
    const restored = await open(2)
    await restored.ctx.registered.get('lru')!.restore(
      ctx.collector.sent.map((r, i) => ({ key: r.key as Buffer, value: r.value, timestamp: 0, offset: i })),
    )
    expect((await collect(restored.store.all())).map((kv) => kv.key)).toEqual(['b', 'c'])
  })

  it('rejects a non-positive size by store name', () => {
    expect(() => Stores.lruMap('tiny', 0).get()).toThrow(/"tiny": maxCacheSize must be a positive integer/)
  })
})
