import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from '../../stores/builders/key-value-store-builder.js'
import { SessionStoreBuilder } from '../../stores/builders/session-store-builder.js'
import { TimestampedWindowStoreBuilder, WindowStoreBuilder } from '../../stores/builders/window-store-builder.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'

/** What a store holds, known from its builder before any store exists ('other': a user's own builder). */
export type StoreKind = 'key-value' | 'timestamped-key-value' | 'window' | 'timestamped-window' | 'session' | 'other'

export function storeKindOf(builder: StoreBuilder<StateStore>): StoreKind {
  if (builder instanceof TimestampedKeyValueStoreBuilder) return 'timestamped-key-value'
  if (builder instanceof KeyValueStoreBuilder) return 'key-value'
  if (builder instanceof TimestampedWindowStoreBuilder) return 'timestamped-window'
  if (builder instanceof WindowStoreBuilder) return 'window'
  if (builder instanceof SessionStoreBuilder) return 'session'
  return 'other'
}

const READER: Record<Exclude<StoreKind, 'other'>, string> = {
  'key-value': 'a key-value store; read it with getKeyValueStore',
  'timestamped-key-value': 'a timestamped key-value store; read it with getTimestampedKeyValueStore or getKeyValueStore',
  window: 'a window store; read it with getWindowStore',
  'timestamped-window': 'a timestamped window store; read it with getTimestampedWindowStore or getWindowStore',
  session: 'a session store; read it with getSessionStore',
}

/** Throws, naming the store and the right accessor, unless the store is one of `accepted` (or of a kind the driver cannot tell). */
export function requireStoreKind(name: string, kind: StoreKind, accepted: StoreKind[], accessor: string): void {
  if (kind === 'other' || accepted.includes(kind)) return
  throw new TypeError(`${accessor}('${name}'): the store ${name} is ${READER[kind]}`)
}
