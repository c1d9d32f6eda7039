import type { ProcessorContext } from './processor.js'
import type { Headers, Record } from './record.js'

/**
 * A record whose key a processor cannot change (Kafka Streams 3.3+ `FixedKeyRecord`): it is only
 * made from the record being processed, and only its value, timestamp and headers can be
 * replaced. That is why `processValues` does not mark its stream for repartitioning.
 */
export class FixedKeyRecord<K, V> implements Record<K, V> {
  private constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    readonly headers: Headers,
  ) {}

  withValue<VR>(value: VR): FixedKeyRecord<K, VR> {
    return new FixedKeyRecord(this.key, value, this.timestamp, this.headers)
  }

  withTimestamp(timestamp: number): FixedKeyRecord<K, V> {
    if (!Number.isFinite(timestamp)) throw new TypeError(`FixedKeyRecord.withTimestamp: timestamp must be a number of ms, got ${String(timestamp)}`)
    return new FixedKeyRecord(this.key, this.value, timestamp, this.headers)
  }

  withHeaders(headers: Headers): FixedKeyRecord<K, V> {
    if (headers === null || typeof headers !== 'object') throw new TypeError('FixedKeyRecord.withHeaders: headers must be an object')
    return new FixedKeyRecord(this.key, this.value, this.timestamp, headers)
  }

  /** @internal The task's view of an input record; users get records only from `process`. */
  static of<K, V>(record: Record<K, V>): FixedKeyRecord<K, V> {
    return record instanceof FixedKeyRecord ? record : new FixedKeyRecord(record.key, record.value, record.timestamp, record.headers)
  }
}

/** As ProcessorContext, but `forward` only takes records made from an input record. */
export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown> extends Omit<ProcessorContext<KForward, VForward>, 'forward'> {
  forward(record: FixedKeyRecord<KForward, VForward>, childName?: string): void
}

/** A processor that may change values but never keys (`KStream.processValues`). */
export interface FixedKeyProcessor<KIn = unknown, VIn = unknown, VOut = unknown> {
  init?(ctx: FixedKeyProcessorContext<KIn, VOut>): void | Promise<void>
  process(record: FixedKeyRecord<KIn, VIn>): void | Promise<void>
  close?(): void | Promise<void>
}

export type FixedKeyProcessorSupplier<KIn = unknown, VIn = unknown, VOut = unknown> = () => FixedKeyProcessor<KIn, VIn, VOut>
