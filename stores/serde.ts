/**
 * Converts between typed values and bytes. `topic` is the topic (or changelog topic) the bytes
 * belong to, as in Kafka Streams, so schema-registry serdes can pick their subject.
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null
  deserialize(topic: string, data: Buffer | null): T | null
}
