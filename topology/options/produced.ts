import type { AnySerde } from '../serdes/serde.js'
import { validateName } from './named.js'

/**
 * Chooses the partition of an output record; return undefined for the default (murmur2 of the key
 * bytes), or a Set (or array) of partitions to send the record to each of them (KIP-837 multicast;
 * an empty Set drops the record).
 */
export type StreamPartitioner<K = any, V = any> = (
  topic: string,
  key: K,
  value: V | null,
  numPartitions: number,
) => number | undefined | ReadonlySet<number> | readonly number[]

/** How records are written to a topic: serdes, partitioner, sink name. */
export class Produced<K = any, V = any> {
  private constructor(
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly partitioner: StreamPartitioner<K, V> | null,
    readonly processorName: string | null,
  ) {}

  static with<K, V>(keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null): Produced<K, V> {
    return new Produced(keySerde, valueSerde, null, null)
  }
  static as<K = any, V = any>(processorName: string): Produced<K, V> {
    return new Produced<K, V>(null, null, null, validateName(processorName, 'Produced.as'))
  }
  static keySerde<K, V = any>(serde: AnySerde<K>): Produced<K, V> {
    return new Produced<K, V>(serde, null, null, null)
  }
  static valueSerde<K = any, V = any>(serde: AnySerde<V>): Produced<K, V> {
    return new Produced<K, V>(null, serde, null, null)
  }
  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced<K, V>(null, null, null, null).withStreamPartitioner(partitioner)
  }

  withKeySerde(serde: AnySerde<K>): Produced<K, V> {
    return new Produced(serde, this.valueSerde, this.partitioner, this.processorName)
  }
  withValueSerde(serde: AnySerde<V>): Produced<K, V> {
    return new Produced(this.keySerde, serde, this.partitioner, this.processorName)
  }
  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    if (typeof partitioner !== 'function') throw new TypeError('Produced.withStreamPartitioner: partitioner must be a function')
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.processorName)
  }
  withName(processorName: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, validateName(processorName, 'Produced.withName'))
  }
}
