import type { AnySerde } from '../serdes/serde.js'
import { validateName } from './named.js'

/** Serdes and name of a stream-table join. */
export class Joined<K = any, V = any, VO = any> {
  private constructor(
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly otherValueSerde: AnySerde<VO> | null,
    readonly name: string | null,
    readonly gracePeriodMs: number | null,
  ) {}

  static with<K, V, VO>(keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null, otherValueSerde: AnySerde<VO> | null, name?: string): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, name === undefined ? null : validateName(name, 'Joined.with'), null)
  }
  static as<K = any, V = any, VO = any>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(null, null, null, validateName(name, 'Joined.as'), null)
  }
  static keySerde<K, V = any, VO = any>(serde: AnySerde<K>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(serde, null, null, null, null)
  }
  static valueSerde<K = any, V = any, VO = any>(serde: AnySerde<V>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(null, serde, null, null, null)
  }
  static otherValueSerde<K = any, V = any, VO = any>(serde: AnySerde<VO>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(null, null, serde, null, null)
  }

  withKeySerde(serde: AnySerde<K>): Joined<K, V, VO> {
    return new Joined(serde, this.valueSerde, this.otherValueSerde, this.name, this.gracePeriodMs)
  }
  withValueSerde(serde: AnySerde<V>): Joined<K, V, VO> {
    return new Joined(this.keySerde, serde, this.otherValueSerde, this.name, this.gracePeriodMs)
  }
  withOtherValueSerde(serde: AnySerde<VO>): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, serde, this.name, this.gracePeriodMs)
  }
  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, validateName(name, 'Joined.withName'), this.gracePeriodMs)
  }
  /** Versioned-table joins: how long a stream record may wait for late table updates. */
  withGracePeriod(ms: number): Joined<K, V, VO> {
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`Joined.withGracePeriod: grace must be a non-negative number of ms, got ${String(ms)}`)
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, ms)
  }
}
