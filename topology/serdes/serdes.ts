import { AvroSerde, type AvroSerdeOptions } from './avro-serde.js'
import { BigLongSerde } from './big-long-serde.js'
import { BytesSerde, DoubleSerde, IntegerSerde, JsonSerde, LongSerde, StringSerde } from './primitive-serdes.js'
import type { AsyncSerde, Serde } from './serde.js'

const stringSerde = new StringSerde()
const longSerde = new LongSerde()
const bigLongSerde = new BigLongSerde()
const integerSerde = new IntegerSerde()
const doubleSerde = new DoubleSerde()
const bytesSerde = new BytesSerde()
const jsonSerde = new JsonSerde<unknown>()

/** Factories of the built-in serdes; primitives are byte-compatible with Java Kafka's. */
export const Serdes = {
  String: (): Serde<string> => stringSerde,
  /**
   * number as 8-byte big-endian signed, as Java's LongSerde. Exact for values within ±(2^53 - 1);
   * a value beyond that throws a SerializationError (on write and on read) rather than losing
   * precision: use {@link Serdes.BigLong} for the full Java long range.
   */
  Long: (): Serde<number> => longSerde,
  /** bigint as 8-byte big-endian signed, as Java's LongSerde: every Java long, exactly. */
  BigLong: (): Serde<bigint> => bigLongSerde,
  /** number as 4-byte big-endian signed, as Java's IntegerSerde */
  Integer: (): Serde<number> => integerSerde,
  /** number as 8-byte IEEE-754 big-endian, as Java's DoubleSerde */
  Double: (): Serde<number> => doubleSerde,
  Bytes: (): Serde<Buffer> => bytesSerde,
  JSON: <T>(): Serde<T> => jsonSerde as Serde<T>,
  /** Avro in the Confluent wire format; the first use per subject / schema id asks the registry. */
  Avro: <T>(options: AvroSerdeOptions): AsyncSerde<T> => new AvroSerde<T>(options),
}
