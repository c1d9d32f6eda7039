import type { KeyValue } from '../../stores/key-value.js'
import type { Headers } from '../../stores/state-store.js'
import type { AnySerde } from '../serdes/serde.js'

export interface InputTopicOptions {
  /** Timestamp of the first record piped without one (default: the driver's wall-clock time). */
  startTimestampMs?: number
  /** Added to the topic's current time after each record piped without a timestamp. */
  autoAdvanceMs?: number
}

/** What the driver does with a piped record (serialized, with the topic's next offset). */
export type PipeFn = (topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers) => Promise<void>

/** Pipes records into one input topic of a TopologyTestDriver. */
export class TestInputTopic<K, V> {
  private currentTime: number

  /** @internal Made by TopologyTestDriver. */
  constructor(
    readonly name: string,
    private readonly keySerde: AnySerde<K>,
    private readonly valueSerde: AnySerde<V>,
    private readonly pipe: PipeFn,
    startTimestampMs: number,
    private readonly autoAdvanceMs: number,
  ) {
    this.currentTime = startTimestampMs
  }

  /** Pipes one record; without a timestamp it gets the topic's current time. */
  async pipeInput(key: K | null, value: V | null, timestampMs?: number, headers: Headers = {}): Promise<void> {
    let timestamp: number
    if (timestampMs === undefined) {
      timestamp = this.currentTime
      this.currentTime += this.autoAdvanceMs
    } else {
      if (!Number.isFinite(timestampMs)) throw new TypeError(`pipeInput to ${this.name}: timestamp must be a number of ms, got ${String(timestampMs)}`)
      timestamp = timestampMs
    }
    let k = this.keySerde.serialize(this.name, key)
    let v = this.valueSerde.serialize(this.name, value)
    if (k instanceof Promise) k = await k
    if (v instanceof Promise) v = await v
    await this.pipe(this.name, k, v, timestamp, headers)
  }

  /** Pipes a record with a null key. */
  async pipeValue(value: V | null, timestampMs?: number): Promise<void> {
    await this.pipeInput(null, value, timestampMs)
  }

  /** Pipes each pair in order; timestamps start at `startTimestampMs` (or the current time) and advance by `advanceMs`. */
  async pipeKeyValueList(list: KeyValue<K, V>[], startTimestampMs?: number, advanceMs = 0): Promise<void> {
    if (!Array.isArray(list)) throw new TypeError(`pipeKeyValueList to ${this.name}: expected an array of KeyValue`)
    let ts = startTimestampMs
    for (const kv of list) {
      await this.pipeInput(kv.key, kv.value, ts)
      if (ts !== undefined) ts += advanceMs
    }
  }

  async pipeValueList(values: V[], startTimestampMs?: number, advanceMs = 0): Promise<void> {
    let ts = startTimestampMs
    for (const v of values) {
      await this.pipeInput(null, v, ts)
      if (ts !== undefined) ts += advanceMs
    }
  }

  /** Moves the topic's current time (for records piped without a timestamp). */
  advanceTime(ms: number): void {
    this.currentTime += ms
  }
}
