import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { Serde } from '../../stores/serde.js'
import type { StateStore } from '../../stores/state-store.js'
import type { StoreBuilder } from '../../stores/store-builder.js'
import { Stores } from '../../stores/stores.js'
import { BytesSerde } from '../serdes/primitive-serdes.js'
import type { ProcessorContext } from './processor.js'

/** Runs once stream time reaches a timer, with the key and the time it was scheduled for. */
export type TimerCallback<K> = (key: K, timestamp: number) => void | Promise<void>

const BYTES = new BytesSerde()
const PRESENT = Buffer.alloc(0)

/**
 * The store that keeps a processor's timers (logged, so timers survive restarts and task
 * migration). Add it with `builder.addStateStore(timerStoreBuilder(name))` and connect it to the
 * processor (`stream.process(supplier, name)`).
 */
export function timerStoreBuilder(name: string): StoreBuilder<StateStore> {
  return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), BYTES, BYTES) as unknown as StoreBuilder<StateStore>
}

interface Timer {
  timestamp: number
  key: Buffer
  id: string
}

/**
 * Per-key event-time timers (beyond Kafka Streams): `scheduleAt(key, t)` makes `callback(key, t)`
 * run once stream time reaches t. Timers are stored as `<8-byte time><key bytes>` in the timer
 * store and indexed in memory (a min-heap), so checking costs nothing per record until one is due.
 * Create it in `init()`: `this.timers = new EventTimers(ctx, 'my-timers', Serdes.String(), cb)`.
 */
export class EventTimers<K> {
  private readonly store: KeyValueStore<Buffer, Buffer>
  private readonly heap: Timer[] = []
  private readonly live = new Map<string, Timer>()
  private loaded: Promise<void> | null
  private firing = false

  constructor(
    /** A processor's context, or a fixed-key processor's (`processValues`): only stores and schedules are used. */
    ctx: Pick<ProcessorContext<any, any>, 'getStateStore' | 'schedule'>,
    storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly callback: TimerCallback<K>,
  ) {
    if (typeof callback !== 'function') throw new TypeError('EventTimers: the callback must be a function')
    this.store = ctx.getStateStore(storeName) as unknown as KeyValueStore<Buffer, Buffer>
    this.loaded = this.load()
    // fires at most once per stream-time advance, which is when timers can become due
    ctx.schedule(1, 'STREAM_TIME', (streamTime) => this.fireDue(streamTime))
  }

  private async load(): Promise<void> {
    for await (const { key } of this.store.all()) {
      const timer = { timestamp: Number(key.readBigInt64BE(0)), key: key.subarray(8), id: key.toString('hex') }
      if (!this.live.has(timer.id)) this.add(timer)
    }
    this.loaded = null
  }

  private storeKey(key: K, timestamp: number): Buffer {
    if (!Number.isSafeInteger(timestamp)) throw new RangeError(`EventTimers: timestamp must be an integer number of ms, got ${timestamp}`)
    const keyBytes = this.keySerde.serialize('', key)
    if (keyBytes === null) throw new TypeError('EventTimers: timer keys must not be null')
    const out = Buffer.allocUnsafe(8 + keyBytes.length)
    out.writeBigInt64BE(BigInt(timestamp), 0)
    keyBytes.copy(out, 8)
    return out
  }

  /** Registers (or keeps) the timer for `key` at `timestamp`. */
  scheduleAt(key: K, timestamp: number): void | Promise<void> {
    const storeKey = this.storeKey(key, timestamp)
    const id = storeKey.toString('hex')
    if (!this.live.has(id)) this.add({ timestamp, key: storeKey.subarray(8), id })
    return this.store.put(storeKey, PRESENT)
  }

  cancel(key: K, timestamp: number): void | Promise<void> {
    const storeKey = this.storeKey(key, timestamp)
    this.live.delete(storeKey.toString('hex'))
    return this.store.put(storeKey, null)
  }

  /** Timers not fired yet. */
  get size(): number {
    return this.live.size
  }

  private add(timer: Timer): void {
    this.live.set(timer.id, timer)
    const heap = this.heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent].timestamp <= heap[i].timestamp) break
      ;[heap[parent], heap[i]] = [heap[i], heap[parent]]
      i = parent
    }
  }

  private pop(): Timer {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && heap[l].timestamp < heap[m].timestamp) m = l
        if (r < heap.length && heap[r].timestamp < heap[m].timestamp) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i], heap[m]]
        i = m
      }
    }
    return top
  }

  private async fireDue(streamTime: number): Promise<void> {
    if (this.loaded) await this.loaded
    if (this.firing) return
    this.firing = true
    try {
      while (this.heap.length > 0 && this.heap[0].timestamp <= streamTime) {
        const timer = this.pop()
        if (this.live.get(timer.id) !== timer) continue // cancelled or replaced
        this.live.delete(timer.id)
        const storeKey = Buffer.concat([Buffer.alloc(8), timer.key])
        storeKey.writeBigInt64BE(BigInt(timer.timestamp), 0)
        await this.store.put(storeKey, null)
        await this.callback(this.keySerde.deserialize('', timer.key) as K, timer.timestamp)
      }
    } finally {
      this.firing = false
    }
  }
}
