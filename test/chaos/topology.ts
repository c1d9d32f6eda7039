// The chaos application: a stateless copy of the input to one topic, and a per-key count and sum
// (RocksDB, changelog-backed) to another. Input values are "seq,amount"; anything else is a
// poison pill the input deserializer rejects.
import { Stores } from '../../stores/index.js'
import { StreamsBuilder } from '../../topology/dsl/streams-builder.js'
import { Consumed } from '../../topology/options/consumed.js'
import { Materialized } from '../../topology/options/materialized.js'
import { Produced } from '../../topology/options/produced.js'
import type { Serde } from '../../topology/serdes/serde.js'
import { Serdes } from '../../topology/serdes/serdes.js'

export const TOPICS = { input: 'chaos-in', copy: 'chaos-copy', agg: 'chaos-agg', dlq: 'chaos-dlq' } as const
export const INPUT_PARTITIONS = 6

export interface InputValue {
  seq: number
  amount: number
}
export interface Aggregate {
  count: number
  sum: number
}

const INPUT = /^(\d+),(\d+)$/

export function encodeInput(v: InputValue): string {
  return `${v.seq},${v.amount}`
}

/** Parses "seq,amount"; null for anything else (a poison pill or garbage). */
export function parseInput(text: string): InputValue | null {
  const m = INPUT.exec(text)
  return m ? { seq: Number(m[1]), amount: Number(m[2]) } : null
}

/** A pill carries its sequence number too, so the verifier can find it in the dead-letter topic. */
export function encodePill(seq: number): string {
  return `pill:${seq}`
}
export function parsePill(text: string): number | null {
  const m = /^pill:(\d+)$/.exec(text)
  return m ? Number(m[1]) : null
}

export class BadInputError extends Error {
  override name = 'BadInputError'
}

/** Rejects everything but "seq,amount", as a strict schema would. */
export const inputSerde: Serde<InputValue> = {
  serialize: (_topic, v) => (v === null ? null : Buffer.from(encodeInput(v))),
  deserialize: (topic, data) => {
    if (data === null) return null
    const v = parseInput(data.toString())
    if (!v) throw new BadInputError(`${topic}: value is not "seq,amount" (${data.length} bytes)`)
    return v
  },
}

export function chaosTopology() {
  const builder = new StreamsBuilder()
  const input = builder.stream(TOPICS.input, Consumed.with(Serdes.String(), inputSerde))
  input.to(TOPICS.copy, Produced.with(Serdes.String(), inputSerde))
  input
    .groupByKey()
    .aggregate<Aggregate>(
      () => ({ count: 0, sum: 0 }),
      (_k, v, agg) => ({ count: agg.count + 1, sum: agg.sum + v.amount }),
      Materialized.as<string, Aggregate>(Stores.persistentKeyValueStore('chaos-agg-store')).withKeySerde(Serdes.String()).withValueSerde(Serdes.JSON<Aggregate>()),
    )
    .toStream()
    .to(TOPICS.agg, Produced.with(Serdes.String(), Serdes.JSON<Aggregate>()))
  return builder.build()
}
