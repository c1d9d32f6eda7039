import { isPromise, type MaybePromise } from '../../stores/maybe-promise.js'
import type { KeyValueStore } from '../../stores/key-value-store.js'
import type { KeyValue } from '../../stores/key-value.js'
import type { Serde } from '../../stores/serde.js'
import type { InternalProcessorContext } from '../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../processor/processor.js'
import type { Record } from '../processor/record.js'
import type { JoinWindows } from '../windows/join-windows.js'
import { collect } from '../windows/store-views.js'
import { OuterJoinBuffer, type JoinSide } from './outer-join-buffer.js'
import { reportLateRecord } from '../internals/dropped-records.js'

/** The user's joiner: left value, right value (null when unmatched on a left/outer join), key. */
export type StreamJoiner<K, VL, VR, VOut> = (left: VL | null, right: VR | null, key: K) => VOut

interface JoinWindowStore<K, V> {
  put(key: K, value: V | null, windowStart: number): MaybePromise<void>
  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>>
}

/**
 * Stream time shared by both sides of one join in one task: the max timestamp either side has
 * seen, seeded from the task's stream time (restored from committed offsets) so a restart does not
 * reopen windows that had closed.
 */
class JoinTime {
  streamTime = -1
  /** Lower bound of the buffered unmatched records' timestamps (0 after a restart: scan once). */
  minBuffered = 0
  /**
   * The stream time each side's window store has observed (its largest put). The stores lose it on a
   * restart from local state, so the join applies their retention itself, from times seeded as above.
   */
  readonly observed: { [side in JoinSide]: number } = { left: -1, right: -1 }

  /** The join's time in the task `ctx` runs in, shared by both sides' processors. */
  static of(times: WeakMap<object, JoinTime>, ctx: InternalProcessorContext<any, any>): JoinTime {
    const task = ctx.task as object
    let time = times.get(task)
    if (time === undefined) {
      times.set(task, (time = new JoinTime()))
      const seed = ctx.currentStreamTimeMs()
      time.streamTime = Math.max(time.streamTime, seed)
      time.observed.left = Math.max(time.observed.left, seed)
      time.observed.right = Math.max(time.observed.right, seed)
    }
    return time
  }
}

/** The earliest timestamp a join window store of `retentionMs` still holds at observed time `observed`. */
function minLiveTime(observed: number, retentionMs: number): number {
  return observed < 0 ? -Infinity : observed - retentionMs + 1
}

export interface StreamStreamJoinSpec<K, VL, VR, VOut> {
  windows: JoinWindows
  joiner: StreamJoiner<K, VL, VR, VOut>
  /** leftJoin and outerJoin: unmatched left records produce joiner(left, null). */
  leftOuter: boolean
  /** outerJoin: unmatched right records produce joiner(null, right). */
  rightOuter: boolean
  leftStoreName: string
  rightStoreName: string
  /** The buffer holding unmatched records until their window closes; null for inner joins. */
  outerStoreName: string | null
  /** Serdes of the outer buffer (unmatched records are stored as bytes). */
  keySerde: Serde<K>
  leftValueSerde: Serde<VL>
  rightValueSerde: Serde<VR>
}

/**
 * Makes the two processors of a stream-stream join (Kafka Streams' KStreamJoinWindow +
 * KStreamKStreamJoin per side). Each record is put into its own side's window store (retaining
 * duplicates), then joined with the other side's records within [t - before, t + after] (the
 * right side looks the other way). Joined records carry the larger of the two timestamps.
 * Unmatched left/outer records wait in the outer buffer until stream time passes their window
 * end + grace, then come out as joiner(v, null) with their own timestamp.
 */
export class StreamStreamJoin<K, VL, VR, VOut> {
  // Per running task (not task id: two instances in one process may both run task 0_0 of one topology).
  private readonly times = new WeakMap<object, JoinTime>()

  constructor(readonly spec: StreamStreamJoinSpec<K, VL, VR, VOut>) {}

  /** Puts each record of one side into that side's window store (Kafka Streams' KStreamJoinWindow). */
  windowProcessor<V>(side: JoinSide): Processor<K, V, K, V> {
    return new JoinWindowProcessor<K, V>(side === 'left' ? this.spec.leftStoreName : this.spec.rightStoreName, side, this.times, this.retentionMs())
  }

  /** The retention of both window stores (kstream-joins.ts sizes them so). */
  retentionMs(): number {
    return Math.max(1, this.spec.windows.size() + this.spec.windows.graceMs)
  }

  leftProcessor(): Processor<K, VL, K, VOut> {
    return new StreamStreamJoinSide<K, VL, VR, VOut>(this, 'left', this.times)
  }

  rightProcessor(): Processor<K, VR, K, VOut> {
    return new StreamStreamJoinSide<K, VL, VR, VOut>(this, 'right', this.times)
  }
}

class StreamStreamJoinSide<K, VL, VR, VOut> implements Processor<K, any, K, VOut> {
  private ctx!: InternalProcessorContext<K, VOut>
  private otherStore!: JoinWindowStore<K, unknown>
  private outer: OuterJoinBuffer<K> | null = null
  private time!: JoinTime
  private topic = ''
  private readonly joinBefore: number
  private readonly joinAfter: number
  private readonly emitsUnmatched: boolean
  private readonly otherSide: JoinSide

  constructor(
    private readonly join: StreamStreamJoin<K, VL, VR, VOut>,
    private readonly side: JoinSide,
    private readonly times: WeakMap<object, JoinTime>,
  ) {
    const { windows, leftOuter, rightOuter } = join.spec
    this.joinBefore = side === 'left' ? windows.beforeMs : windows.afterMs
    this.joinAfter = side === 'left' ? windows.afterMs : windows.beforeMs
    this.emitsUnmatched = side === 'left' ? leftOuter : rightOuter
    this.otherSide = side === 'left' ? 'right' : 'left'
  }

  init(ctx: ProcessorContext<K, VOut>): void {
    const spec = this.join.spec
    this.ctx = ctx as InternalProcessorContext<K, VOut>
    this.otherStore = ctx.getStateStore(this.side === 'left' ? spec.rightStoreName : spec.leftStoreName) as unknown as JoinWindowStore<K, unknown>
    if (spec.outerStoreName !== null) {
      this.topic = `${ctx.applicationId}-${spec.outerStoreName}-changelog`
      this.outer = new OuterJoinBuffer(ctx.getStateStore(spec.outerStoreName) as unknown as KeyValueStore<Buffer, Buffer>, spec.keySerde, this.topic)
    }
    this.time = JoinTime.of(this.times, this.ctx)
  }

  async process(record: Record<K, unknown>): Promise<void> {
    const { key, value, timestamp } = record
    const time = this.time
    if (timestamp > time.streamTime) time.streamTime = timestamp
    if (value === null || value === undefined) return
    if (key === null || key === undefined) {
      // Nothing can match a null key; left/outer joins still answer for it.
      if (this.emitsUnmatched) await this.forward(record, this.result(key as K, value, null), timestamp)
      return
    }
    if (this.outer !== null && timestamp === time.streamTime) await this.emitClosedUnmatched(record)

    // the other store's own retention, applied here too: after a restart the store has forgotten its time
    const from = Math.max(0, timestamp - this.joinBefore, minLiveTime(time.observed[this.otherSide], this.join.retentionMs()))
    const to = Math.max(0, timestamp + this.joinAfter)
    const matches = await collect(this.otherStore.fetchRange(key, from, to))
    for (const other of matches) {
      if (this.outer !== null) await this.outer.remove(key, other.key, this.otherSide)
      const sent = this.forward(record, this.result(key, value, other.value), Math.max(timestamp, other.key))
      if (isPromise(sent)) await sent
    }
    if (matches.length > 0 || !this.emitsUnmatched) return
    if (this.outer === null || to < time.streamTime) {
      // Its window has already closed (an out-of-order record): no later match is possible.
      await this.forward(record, this.result(key, value, null), timestamp)
      return
    }
    if (timestamp < time.minBuffered) time.minBuffered = timestamp
    const serde = (this.side === 'left' ? this.join.spec.leftValueSerde : this.join.spec.rightValueSerde) as Serde<unknown>
    const bytes = serde.serialize(this.topic, value)
    if (bytes === null) throw new TypeError(`stream-stream join: the ${this.side} value serde returned null`)
    await this.outer.append(key, timestamp, this.side, bytes)
  }

  /** joiner(left, right) whichever side this is. */
  private result(key: K, thisValue: unknown, otherValue: unknown): VOut {
    const joiner = this.join.spec.joiner
    return this.side === 'left'
      ? joiner(thisValue as VL, (otherValue ?? null) as VR | null, key)
      : joiner((otherValue ?? null) as VL | null, thisValue as VR, key)
  }

  private forward(record: Record<K, unknown>, value: VOut, timestamp: number): void | Promise<void> {
    return this.ctx.forward({ key: record.key, value, timestamp, headers: record.headers })
  }

  /** Emits buffered unmatched records whose join window closed: stream time > t + lookahead + grace. */
  private async emitClosedUnmatched(record: Record<K, unknown>): Promise<void> {
    const { windows, leftValueSerde, rightValueSerde, joiner } = this.join.spec
    const time = this.time
    const grace = windows.graceMs
    if (time.minBuffered + Math.min(windows.afterMs, windows.beforeMs) + grace >= time.streamTime) return

    const closed: { storeKey: Buffer; key: K; side: JoinSide; timestamp: number; values: Buffer[] }[] = []
    let leftOpen = false
    let rightOpen = false
    let nextMin = Infinity
    for await (const entry of this.outer!.scan()) {
      if (leftOpen && rightOpen) break
      // A left record waits for right records up to `after` later; a right record for left ones up to `before` later.
      const lookahead = entry.side === 'left' ? windows.afterMs : windows.beforeMs
      if (entry.timestamp + lookahead + grace >= time.streamTime) {
        if (entry.timestamp < nextMin) nextMin = entry.timestamp
        if (entry.side === 'left') leftOpen = true
        else rightOpen = true
        continue
      }
      closed.push(entry)
    }
    time.minBuffered = nextMin
    for (const entry of closed) {
      for (const bytes of entry.values) {
        const value =
          entry.side === 'left'
            ? joiner(leftValueSerde.deserialize(this.topic, bytes), null, entry.key)
            : joiner(null, rightValueSerde.deserialize(this.topic, bytes), entry.key)
        const sent = this.ctx.forward({ key: entry.key, value, timestamp: entry.timestamp, headers: record.headers })
        if (isPromise(sent)) await sent
      }
      await this.outer!.delete(entry.storeKey)
    }
  }
}

class JoinWindowProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: InternalProcessorContext<K, V>
  private store!: JoinWindowStore<K, V>
  private time!: JoinTime

  constructor(
    private readonly storeName: string,
    private readonly side: JoinSide,
    private readonly times: WeakMap<object, JoinTime>,
    private readonly retentionMs: number,
  ) {}

  init(ctx: ProcessorContext<K, V>): void {
    this.ctx = ctx as InternalProcessorContext<K, V>
    this.store = ctx.getStateStore(this.storeName) as unknown as JoinWindowStore<K, V>
    this.time = JoinTime.of(this.times, this.ctx)
  }

  process(record: Record<K, V>): void | Promise<void> {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) return this.ctx.forward(record)
    const observed = this.time.observed
    if (record.timestamp > observed[this.side]) observed[this.side] = record.timestamp
    if (record.timestamp < minLiveTime(observed[this.side], this.retentionMs)) {
      // Past the store's retention: the store drops it (Kafka Streams counts it as dropped); it still
      // goes on to the join, which can only answer it as unmatched.
      reportLateRecord(this.ctx, record as Record<unknown, unknown>)
      return this.ctx.forward(record)
    }
    const put = this.store.put(record.key, record.value, record.timestamp)
    if (isPromise(put)) return put.then(() => this.ctx.forward(record))
    return this.ctx.forward(record)
  }
}

/** The node both join sides forward into, so the joined stream has one parent. */
export class PassThroughProcessor<K, V> implements Processor<K, V, K, V> {
  private ctx!: InternalProcessorContext<K, V>
  init(ctx: ProcessorContext<K, V>): void {
    this.ctx = ctx as InternalProcessorContext<K, V>
  }
  process(record: Record<K, V>): void | Promise<void> {
    return this.ctx.forward(record)
  }
}
