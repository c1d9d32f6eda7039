import type { RecordContext } from '../../stores/state-store.js'
import { isPromise, type MaybePromise } from '../../stores/maybe-promise.js'
import { decodeBuffered, encodeBuffered, type BufferedBytes } from './buffered-record-codec.js'

/** The part of a key-value store the buffer writes through to, so it survives a restart (restored from the changelog). */
export interface BufferBackingStore {
  put(key: Buffer, value: Buffer | null): MaybePromise<void>
  all(): AsyncIterable<{ key: Buffer; value: Buffer }>
}

interface Slot {
  key: Buffer
  entry: BufferedBytes
  size: number
}

/**
 * The suppression buffer: one slot per key, evicted in order of buffer time, then of serialized key
 * (as Kafka Streams' InMemoryTimeOrderedKeyValueBuffer, so the order does not depend on arrival
 * or on the order a restore reads the backing store in). A key
 * buffered again keeps its buffer time and its prior value (the value before the first buffered
 * update) and takes the newest change. Every change is written through to a key-value store.
 */
export class SuppressionBuffer {
  private readonly slots = new Map<string, Slot>()
  private order: Slot[] = []
  private head = 0
  private bytes = 0

  constructor(private readonly store: BufferBackingStore | null) {}

  /** Rebuilds the in-memory index from the backing store (after its restore). */
  async load(): Promise<void> {
    if (this.store === null) return
    for await (const { key, value } of this.store.all()) this.insert(Buffer.from(key), decodeBuffered(value), value.length)
  }

  numRecords(): number {
    return this.slots.size
  }

  bufferSize(): number {
    return this.bytes
  }

  minTimestamp(): number {
    return this.head < this.order.length ? this.order[this.head]!.entry.time : Infinity
  }

  /** The value downstream last saw for `key` if it is buffered; undefined when not buffered. */
  priorValueFor(key: Buffer): Buffer | null | undefined {
    return this.slots.get(key.toString('latin1'))?.entry.prior
  }

  put(key: Buffer, time: number, oldValue: Buffer | null, newValue: Buffer | null, context: RecordContext): MaybePromise<void> {
    const id = key.toString('latin1')
    const existing = this.slots.get(id)
    const entry: BufferedBytes = {
      time: existing ? existing.entry.time : time,
      prior: existing ? existing.entry.prior : oldValue,
      oldValue,
      newValue,
      context,
    }
    const encoded = encodeBuffered(entry)
    if (existing) {
      this.bytes += encoded.length - existing.size
      existing.entry = entry
      existing.size = encoded.length
    } else {
      this.insert(key, entry, encoded.length)
    }
    return this.store === null ? undefined : this.store.put(key, encoded)
  }

  /** Removes and hands over the oldest slot while `condition` holds. */
  async evictWhile(condition: () => boolean, emit: (key: Buffer, entry: BufferedBytes) => void | Promise<void>): Promise<void> {
    while (this.head < this.order.length && condition()) {
      const slot = this.order[this.head]!
      this.order[this.head++] = undefined as unknown as Slot
      this.slots.delete(slot.key.toString('latin1'))
      this.bytes -= slot.size
      if (this.store !== null) {
        const done = this.store.put(slot.key, null)
        if (isPromise(done)) await done
      }
      const sent = emit(slot.key, slot.entry)
      if (isPromise(sent)) await sent
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
  }

  private insert(key: Buffer, entry: BufferedBytes, size: number): void {
    const slot: Slot = { key, entry, size }
    this.slots.set(key.toString('latin1'), slot)
    this.bytes += size
    // Binary search for the first slot ordered after (time, key bytes).
    let lo = this.head
    let hi = this.order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareSlots(this.order[mid]!, slot) <= 0) lo = mid + 1
      else hi = mid
    }
    if (lo === this.order.length) this.order.push(slot)
    else this.order.splice(lo, 0, slot)
  }
}

/** Buffer time first, then the key's bytes compared unsigned (Kafka's Bytes.compareTo). */
function compareSlots(a: Slot, b: Slot): number {
  return a.entry.time !== b.entry.time ? a.entry.time - b.entry.time : Buffer.compare(a.key, b.key)
}
