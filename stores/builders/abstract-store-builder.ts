import type { StateStore } from '../state-store.js'
import type { StoreBuilder } from '../store-builder.js'

/** Kafka Streams' defaults for a builder: logging on, caching off (the DSL turns caching on). */
export abstract class AbstractStoreBuilder<T extends StateStore> implements StoreBuilder<T> {
  cachingEnabled = false
  loggingEnabled = true
  logConfig: Record<string, string> = {}

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('Store name must be a non-empty string')
  }

  withCachingEnabled(): this {
    this.cachingEnabled = true
    return this
  }

  withCachingDisabled(): this {
    this.cachingEnabled = false
    return this
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    for (const [k, v] of Object.entries(config)) {
      if (typeof v !== 'string') throw new TypeError(`Changelog config "${k}" of store "${this.name}" must be a string`)
    }
    this.loggingEnabled = true
    this.logConfig = { ...config }
    return this
  }

  withLoggingDisabled(): this {
    this.loggingEnabled = false
    this.logConfig = {}
    return this
  }

  abstract build(): T
}
