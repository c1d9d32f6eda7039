import type { RecordContext, RestoreCallback, StateStore, StateStoreContext } from '../state-store.js'

/**
 * A context that forwards to `base` except where a layer overrides it (the caching layer sets
 * the record context of a flushed entry; timestamped logging converts restored values). Forwards
 * explicitly rather than by prototype so a base class with private fields keeps working.
 */
export function delegatingContext(
  base: StateStoreContext,
  overrides: {
    recordContext?: () => RecordContext
    register?: (store: StateStore, restore: RestoreCallback) => void
  },
): StateStoreContext {
  const recordContext = overrides.recordContext ?? (() => base.recordContext())
  const register = overrides.register ?? ((store: StateStore, restore: RestoreCallback) => base.register(store, restore))
  return {
    get applicationId() {
      return base.applicationId
    },
    get taskId() {
      return base.taskId
    },
    get partition() {
      return base.partition
    },
    get taskDir() {
      return base.taskDir
    },
    get cache() {
      return base.cache
    },
    get collector() {
      return base.collector
    },
    get rocksDb() {
      return base.rocksDb
    },
    changelogTopic: (storeName) => base.changelogTopic(storeName),
    recordContext,
    register,
  }
}
