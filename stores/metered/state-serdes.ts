import type { Serde } from '../serde.js'

/** A store's key and value serdes bound to its serde topic (the changelog topic name). */
export class StateSerdes<K, V> {
  constructor(
    readonly storeName: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    if (!keySerde) throw new TypeError(`State store "${storeName}": key serde is required`)
    if (!valueSerde) throw new TypeError(`State store "${storeName}": value serde is required`)
  }

  topic = ''

  rawKey(key: K): Buffer {
    if (key === null || key === undefined) throw new TypeError(`State store "${this.storeName}": key must not be null`)
    const raw = this.keySerde.serialize(this.topic, key)
    if (raw === null) throw new TypeError(`State store "${this.storeName}": key serialized to null`)
    return raw
  }

  /** A scan bound: null (or undefined) is an open end. */
  rawBound(key: K | null): Buffer | null {
    return key === null || key === undefined ? null : this.rawKey(key)
  }

  rawValue(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serialize(this.topic, value)
  }

  key(raw: Buffer): K {
    return this.keySerde.deserialize(this.topic, raw) as K
  }

  value(raw: Buffer | null): V | null {
    return raw === null ? null : this.valueSerde.deserialize(this.topic, raw)
  }
}
