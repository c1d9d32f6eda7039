export interface KeyValue<K, V> {
  key: K
  value: V
}

export const KeyValue = {
  pair<K, V>(key: K, value: V): KeyValue<K, V> {
    return { key, value }
  },
}

/** A value with the timestamp of the record that produced it (timestamped stores). */
export interface ValueAndTimestamp<V> {
  value: V
  timestamp: number
}

export const ValueAndTimestamp = {
  make<V>(value: V | null, timestamp: number): ValueAndTimestamp<V> | null {
    return value === null ? null : { value, timestamp }
  },
  getValueOrNull<V>(vt: ValueAndTimestamp<V> | null): V | null {
    return vt === null ? null : vt.value
  },
}

/** A key in a window: time windows end at start + size, session windows at the last record. */
export interface Windowed<K> {
  key: K
  window: { start: number; end: number }
}
