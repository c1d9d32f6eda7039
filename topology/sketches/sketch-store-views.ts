import type { ValueAndTimestamp } from '../../stores/key-value.js'
import type { KeyValueBytesStore } from '../../stores/key-value-store.js'
import { MeteredKeyValueStore } from '../../stores/metered/metered-key-value-store.js'
import { MeteredSessionStore } from '../../stores/metered/metered-session-store.js'
import type { MeteredStore } from '../../stores/metered/metered-store.js'
import { MeteredWindowStore } from '../../stores/metered/metered-window-store.js'
import type { StateSerdes } from '../../stores/metered/state-serdes.js'
import type { SessionBytesStore } from '../../stores/session-store.js'
import type { StateStore } from '../../stores/state-store.js'
import type { WindowBytesStore } from '../../stores/window-store.js'
import type { HyperLogLog } from './hyperloglog.js'
import { SKETCH_SERDE, TIMESTAMPED_SKETCH_SERDE } from './sketch-serdes.js'

// The store of an approximateCountDistinct answers estimates (ESTIMATE_SERDE); its processor
// reads and writes the sketches through these typed views over the same bytes store (caching
// and change-logging layers included), with the store's own key serde and serde topic. A view
// is never initialized, flushed or closed: the store it reads is.

function typed<S extends StateStore, K>(store: StateStore, what: string): { inner: S; serdes: StateSerdes<K, unknown> } {
  const metered = store as unknown as MeteredStore<S, K, unknown>
  if (!(metered.stateSerdes && metered.inner)) {
    throw new TypeError(`approximateCountDistinct: store "${store.name}" is not a typed ${what} store built by the DSL`)
  }
  return { inner: metered.inner, serdes: metered.stateSerdes }
}

class KeyValueSketchView<K> extends MeteredKeyValueStore<K, ValueAndTimestamp<HyperLogLog>> {
  constructor(inner: KeyValueBytesStore, outer: StateSerdes<K, unknown>) {
    super(inner, outer.keySerde, TIMESTAMPED_SKETCH_SERDE)
    this.serdes.topic = outer.topic
  }
}

class WindowSketchView<K> extends MeteredWindowStore<K, ValueAndTimestamp<HyperLogLog>> {
  constructor(inner: WindowBytesStore, outer: StateSerdes<K, unknown>) {
    super(inner, outer.keySerde, TIMESTAMPED_SKETCH_SERDE)
    this.serdes.topic = outer.topic
  }
}

class SessionSketchView<K> extends MeteredSessionStore<K, HyperLogLog> {
  constructor(inner: SessionBytesStore, outer: StateSerdes<K, unknown>) {
    super(inner, outer.keySerde, SKETCH_SERDE)
    this.serdes.topic = outer.topic
  }
}

/** The sketches of an initialized timestamped key-value store. */
export function keyValueSketchView<K>(store: StateStore): MeteredKeyValueStore<K, ValueAndTimestamp<HyperLogLog>> {
  const { inner, serdes } = typed<KeyValueBytesStore, K>(store, 'key-value')
  return new KeyValueSketchView(inner, serdes)
}

/** The sketches of an initialized timestamped window store. */
export function windowSketchView<K>(store: StateStore): MeteredWindowStore<K, ValueAndTimestamp<HyperLogLog>> {
  const { inner, serdes } = typed<WindowBytesStore, K>(store, 'window')
  return new WindowSketchView(inner, serdes)
}

/** The sketches of an initialized session store. */
export function sessionSketchView<K>(store: StateStore): MeteredSessionStore<K, HyperLogLog> {
  const { inner, serdes } = typed<SessionBytesStore, K>(store, 'session')
  return new SessionSketchView(inner, serdes)
}
