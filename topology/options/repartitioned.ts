import type { AnySerde } from '../serdes/serde.js'
import { validateName } from './named.js'
import type { StreamPartitioner } from './produced.js'

/** Name, partition count, serdes and partitioner of an explicit `repartition()`. */
export class Repartitioned<K = any, V = any> {
  private constructor(
    readonly name: string | null,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly numberOfPartitions: number | null,
    readonly partitioner: StreamPartitioner<K, V> | null,
  ) {}

  static as<K = any, V = any>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(validateName(name, 'Repartitioned.as'), null, null, null, null)
  }
  static with<K, V>(keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null): Repartitioned<K, V> {
    return new Repartitioned(null, keySerde, valueSerde, null, null)
  }
  static numberOfPartitions<K = any, V = any>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(null, null, null, null, null).withNumberOfPartitions(n)
  }
  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(null, null, null, null, partitioner)
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(validateName(name, 'Repartitioned.withName'), this.keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner)
  }
  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Repartitioned: number of partitions must be a positive integer, got ${String(n)}`)
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, n, this.partitioner)
  }
  withKeySerde(serde: AnySerde<K>): Repartitioned<K, V> {
    return new Repartitioned(this.name, serde, this.valueSerde, this.numberOfPartitions, this.partitioner)
  }
  withValueSerde(serde: AnySerde<V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, serde, this.numberOfPartitions, this.partitioner)
  }
  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, this.numberOfPartitions, partitioner)
  }
}
