import type { StateStore } from './state-store.js'

/** Configures the layers around a supplier's store; `build()` makes one instance per task. */
export interface StoreBuilder<T extends StateStore> {
  readonly name: string
  withCachingEnabled(): this
  withCachingDisabled(): this
  withLoggingEnabled(config: Record<string, string>): this
  withLoggingDisabled(): this
  readonly loggingEnabled: boolean
  readonly cachingEnabled: boolean
  /** Topic configs for the changelog (on top of cleanup.policy). */
  readonly logConfig: Record<string, string>
  build(): T
}
