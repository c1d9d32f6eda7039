import type { AnySerde } from '../serdes/serde.js'
import { validateName } from './named.js'

export interface ConsumerRecordView<K = any, V = any> {
  topic: string
  partition: number
  offset: number
  key: K
  value: V
  timestamp: number
}

/** Returns the record's event time; `partitionTime` is the highest timestamp seen so far on its partition (-1 if none). */
export type TimestampExtractor = (record: ConsumerRecordView, partitionTime: number) => number

export type OffsetResetPolicy = 'earliest' | 'latest'

/** How a source topic is read: serdes, timestamp extractor, offset reset, processor name. */
export class Consumed<K = any, V = any> {
  private constructor(
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    readonly timestampExtractor: TimestampExtractor | null,
    readonly offsetResetPolicy: OffsetResetPolicy | null,
    readonly processorName: string | null,
  ) {}

  static with<K, V>(keySerde: AnySerde<K> | null, valueSerde: AnySerde<V> | null): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, null, null, null)
  }
  static as<K = any, V = any>(processorName: string): Consumed<K, V> {
    return new Consumed<K, V>(null, null, null, null, validateName(processorName, 'Consumed.as'))
  }
  static withTimestampExtractor<K = any, V = any>(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed<K, V>(null, null, null, null, null).withTimestampExtractor(extractor)
  }
  static withOffsetResetPolicy<K = any, V = any>(policy: OffsetResetPolicy): Consumed<K, V> {
    return new Consumed<K, V>(null, null, null, null, null).withOffsetResetPolicy(policy)
  }

  withKeySerde(serde: AnySerde<K>): Consumed<K, V> {
    return new Consumed(serde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName)
  }
  withValueSerde(serde: AnySerde<V>): Consumed<K, V> {
    return new Consumed(this.keySerde, serde, this.timestampExtractor, this.offsetResetPolicy, this.processorName)
  }
  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V> {
    if (typeof extractor !== 'function') throw new TypeError('Consumed.withTimestampExtractor: extractor must be a function')
    return new Consumed(this.keySerde, this.valueSerde, extractor, this.offsetResetPolicy, this.processorName)
  }
  withOffsetResetPolicy(policy: OffsetResetPolicy): Consumed<K, V> {
    if (policy !== 'earliest' && policy !== 'latest') {
      throw new TypeError(`Consumed.withOffsetResetPolicy: policy must be 'earliest' or 'latest', got ${String(policy)}`)
    }
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, policy, this.processorName)
  }
  withName(processorName: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, validateName(processorName, 'Consumed.withName'))
  }
}
