import type { StateStore, StateStoreContext } from '../state-store.js'

/**
 * A store layer wrapping another store: name, persistence and the lifecycle pass straight
 * through to the store below unless a layer overrides them. Reads and writes stay in each
 * layer, so the per-record paths pay no extra call.
 */
export abstract class WrappedStateStore<S extends StateStore> implements StateStore {
  constructor(protected readonly inner: S) {}

  get name(): string {
    return this.inner.name
  }
  get persistent(): boolean {
    return this.inner.persistent
  }

  init(context: StateStoreContext, root: StateStore): Promise<void> {
    return this.inner.init(context, root)
  }
  flush(): Promise<void> {
    return this.inner.flush()
  }
  close(): Promise<void> {
    return this.inner.close()
  }
  isOpen(): boolean {
    return this.inner.isOpen()
  }
}
