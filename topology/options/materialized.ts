import type { Serde } from '../../stores/serde.js'
import type { StoreSupplier } from '../../stores/store-supplier.js'
import { validateName } from './named.js'

/**
 * How an aggregation or table is stored: store name (or supplier), serdes, caching, logging
 * and retention. Unnamed stores get generated names and are not queryable.
 */
export class Materialized<K = any, V = any> {
  private constructor(
    readonly storeName: string | null,
    readonly storeSupplier: StoreSupplier<unknown> | null,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly cachingEnabled: boolean,
    readonly loggingEnabled: boolean,
    readonly logConfig: Record<string, string>,
    readonly retentionMs: number | null,
  ) {}

  static as<K = any, V = any>(storeNameOrSupplier: string | StoreSupplier<unknown>): Materialized<K, V> {
    if (typeof storeNameOrSupplier === 'string') {
      return new Materialized<K, V>(validateName(storeNameOrSupplier, 'Materialized.as'), null, null, null, true, true, {}, null)
    }
    if (!storeNameOrSupplier || typeof storeNameOrSupplier.get !== 'function') {
      throw new TypeError('Materialized.as: expected a store name or a store supplier')
    }
    return new Materialized<K, V>(storeNameOrSupplier.name, storeNameOrSupplier, null, null, true, true, {}, null)
  }
  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Materialized<K, V> {
    return new Materialized(null, null, keySerde, valueSerde, true, true, {}, null)
  }

  private copy(changes: Partial<{ -readonly [P in keyof Materialized<K, V>]: Materialized<K, V>[P] }>): Materialized<K, V> {
    const m = { ...this, ...changes }
    return new Materialized(m.storeName, m.storeSupplier, m.keySerde, m.valueSerde, m.cachingEnabled, m.loggingEnabled, m.logConfig, m.retentionMs)
  }

  withKeySerde(keySerde: Serde<K>): Materialized<K, V> {
    return this.copy({ keySerde })
  }
  withValueSerde(valueSerde: Serde<V>): Materialized<K, V> {
    return this.copy({ valueSerde })
  }
  withCachingEnabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: true })
  }
  withCachingDisabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: false })
  }
  withLoggingEnabled(config: Record<string, string> = {}): Materialized<K, V> {
    return this.copy({ loggingEnabled: true, logConfig: { ...config } })
  }
  withLoggingDisabled(): Materialized<K, V> {
    return this.copy({ loggingEnabled: false, logConfig: {} })
  }
  withRetention(retentionMs: number): Materialized<K, V> {
    if (!Number.isFinite(retentionMs) || retentionMs < 0) {
      throw new TypeError(`Materialized.withRetention: retention must be a non-negative number of ms, got ${String(retentionMs)}`)
    }
    return this.copy({ retentionMs })
  }
}
