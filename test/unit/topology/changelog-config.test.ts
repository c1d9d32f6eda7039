import { describe, expect, it } from 'vitest'
import { Consumed, Materialized, Serdes, StreamsBuilder, TimeWindows, Topology } from '../../../topology/index.js'
import { Stores } from '../../../stores/stores.js'
import type { StateStore } from '../../../stores/state-store.js'
import type { StoreBuilder } from '../../../stores/store-builder.js'

const S = Serdes.String()
const L = Serdes.Long()
const DAY = 86_400_000

/** A processor connected to `builders`, so each store belongs to sub-topology 0. */
function withStores(...builders: StoreBuilder<StateStore>[]): Topology {
  const t = new Topology().addSource('src', 'in')
  t.addProcessor('p', () => ({ process() {} }), 'src')
  for (const b of builders) t.addStateStore(b, 'p')
  return t
}

function configOf(topology: Topology, store: string): Record<string, string> | undefined {
  const meta = topology.metadata('app')
  const fromSubtopology = meta.subtopologies.flatMap((s) => s.stores).find((s) => s.name === store)?.changelogConfig
  expect(meta.changelogTopics.find((c) => c.name === `app-${store}-changelog`)?.config).toEqual(fromSubtopology)
  return fromSubtopology
}

describe('changelog topic configs', () => {
  it('a user-added window store (plain or timestamped) is compacted and deleted after its retention plus a day', () => {
    const t = withStores(
      Stores.windowStoreBuilder(Stores.persistentWindowStore('w', 3_600_000, 60_000, false), S, L) as StoreBuilder<StateStore>,
      Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore('tw', 120_000, 10_000, false), S, L) as StoreBuilder<StateStore>,
    )
    expect(configOf(t, 'w')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(3_600_000 + DAY) })
    expect(configOf(t, 'tw')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(120_000 + DAY) })
  })

  it('a user-added session store is compacted and deleted after its retention plus a day', () => {
    const t = withStores(
      Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 50_000), S, L) as StoreBuilder<StateStore>,
      Stores.sessionStoreBuilder(Stores.persistentSessionStore('ps', 7_000), S, L) as StoreBuilder<StateStore>,
    )
    expect(configOf(t, 's')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(50_000 + DAY) })
    expect(configOf(t, 'ps')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(7_000 + DAY) })
  })

  it("the store's own log config wins, as Kafka Streams' per-topic overrides; key-value stores stay compacted", () => {
    const t = withStores(
      Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1000, 100, false), S, L).withLoggingEnabled({
        'retention.ms': '42',
        'min.insync.replicas': '2',
      }) as StoreBuilder<StateStore>,
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), S, L) as StoreBuilder<StateStore>,
    )
    expect(configOf(t, 'w')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': '42', 'min.insync.replicas': '2' })
    expect(configOf(t, 'kv')).toEqual({ 'cleanup.policy': 'compact' })
  })

  it('a retention that would overflow a Java long is capped at Long.MAX_VALUE', () => {
    const t = withStores(Stores.sessionStoreBuilder(Stores.inMemorySessionStore('forever', Number.MAX_SAFE_INTEGER), S, L) as StoreBuilder<StateStore>)
    expect(configOf(t, 'forever')?.['retention.ms']).toBe('9223372036854775807')
  })

  it("a DSL window aggregation over a given supplier keeps the supplier's retention", () => {
    const b = new StreamsBuilder()
    b.stream('in', Consumed.with(S, S))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(1000))
      .count(Materialized.as<string, number>(Stores.inMemoryWindowStore('given', 90_000, 1000, false)))
    expect(configOf(b.build(), 'given')).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(90_000 + DAY) })
  })
})
