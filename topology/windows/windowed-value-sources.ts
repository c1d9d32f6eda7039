import type { ValueAndTimestamp, Windowed } from '../../stores/key-value.js'
import type { MaybePromise } from '../../stores/maybe-promise.js'
import { mapMaybe } from '../../stores/maybe-promise.js'
import type { SendOldValuesFlag } from '../dsl/processors/table-processors.js'
import type { TableValueSource, ValueGetterSupplier } from '../dsl/table-value-sources.js'

/** What both windowed sources share: the store they read and the aggregation's old-values flag. */
abstract class WindowedValueSource<K, V> implements TableValueSource<Windowed<K>, V> {
  constructor(
    protected readonly storeName: string,
    private readonly flag: SendOldValuesFlag,
  ) {}

  enableSendingOldValues(): boolean {
    this.flag.sendOldValues = true
    return true
  }

  sendingOldValueEnabled(): boolean {
    return this.flag.sendOldValues
  }

  abstract valueGetterSupplier(): ValueGetterSupplier<Windowed<K>, V>
}

/** Lookups of a time/sliding windowed aggregation: the window store by key and window start. */
export class WindowStoreValueSource<K, V> extends WindowedValueSource<K, V> {
  valueGetterSupplier(): ValueGetterSupplier<Windowed<K>, V> {
    const storeName = this.storeName
    return {
      storeNames: [storeName],
      get(ctx) {
        const store = ctx.getStateStore(storeName) as unknown as { fetch(key: K, start: number): MaybePromise<ValueAndTimestamp<V> | null> }
        return (wk) => store.fetch(wk.key, wk.window.start)
      },
    }
  }
}

/** Lookups of a session aggregation: the exact session; its timestamp is the session end. */
export class SessionStoreValueSource<K, V> extends WindowedValueSource<K, V> {
  valueGetterSupplier(): ValueGetterSupplier<Windowed<K>, V> {
    const storeName = this.storeName
    return {
      storeNames: [storeName],
      get(ctx) {
        const store = ctx.getStateStore(storeName) as unknown as { fetchSession(key: K, start: number, end: number): MaybePromise<V | null> }
        return (wk) =>
          mapMaybe(store.fetchSession(wk.key, wk.window.start, wk.window.end), (v) => (v === null ? null : { value: v, timestamp: wk.window.end }))
      },
    }
  }
}
