import type { AnySerde } from '../serdes/serde.js'
import { validateName } from './named.js'

/** Serdes and the name (repartition topic and processor prefix) of a grouping. */
export class Grouped<K = any, V = any> {
  private constructor(
    readonly name: string | null,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
  ) {}

  static with<K, V>(keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null): Grouped<K, V>
  static with<K, V>(name: string, keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null): Grouped<K, V>
  static with<K, V>(a: string | AnySerde<K> | null, b: AnySerde<K> | AnySerde<V> | null, c?: AnySerde<V> | null): Grouped<K, V> {
    if (typeof a === 'string') return new Grouped<K, V>(validateName(a, 'Grouped.with'), b as AnySerde<K> | null, c ?? null)
    return new Grouped<K, V>(null, a, b as AnySerde<V> | null)
  }
  static as<K = any, V = any>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(validateName(name, 'Grouped.as'), null, null)
  }
  static keySerde<K, V = any>(serde: AnySerde<K>): Grouped<K, V> {
    return new Grouped<K, V>(null, serde, null)
  }
  static valueSerde<K = any, V = any>(serde: AnySerde<V>): Grouped<K, V> {
    return new Grouped<K, V>(null, null, serde)
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(validateName(name, 'Grouped.withName'), this.keySerde, this.valueSerde)
  }
  withKeySerde(serde: AnySerde<K>): Grouped<K, V> {
    return new Grouped(this.name, serde, this.valueSerde)
  }
  withValueSerde(serde: AnySerde<V>): Grouped<K, V> {
    return new Grouped(this.name, this.keySerde, serde)
  }
}
