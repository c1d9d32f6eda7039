import type { KeyValue } from '../../../stores/key-value.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Headers, Record } from '../../processor/record.js'

// The stateless KStream operators. Each forwards synchronously and allocates at most the
// record it forwards, so a chain of them costs no promise or closure per record.

abstract class ForwardingProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  protected ctx!: InternalProcessorContext<KOut, VOut>
  init(ctx: ProcessorContext<KOut, VOut>): void {
    this.ctx = ctx as InternalProcessorContext<KOut, VOut>
  }
  abstract process(record: Record<KIn, VIn>): void | Promise<void>
}

/** Forwards records one after the other, waiting for an async child before the next. */
export function forwardAll<K, V>(ctx: InternalProcessorContext<K, V>, records: Iterator<Record<K, V>>): void | Promise<void> {
  for (let next = records.next(); !next.done; next = records.next()) {
    const r = ctx.forward(next.value)
    if (r instanceof Promise) return r.then(() => forwardAll(ctx, records))
  }
}

export class FilterProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  constructor(
    private readonly predicate: (key: K, value: V) => boolean,
    private readonly negate: boolean,
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    if (Boolean(this.predicate(record.key, record.value)) !== this.negate) return this.ctx.forward(record)
  }
}

export class MapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V, K, VR> {
  constructor(private readonly mapper: (value: V, key: K) => VR) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    return this.ctx.forward({ key: record.key, value: this.mapper(record.value, record.key), timestamp: record.timestamp, headers: record.headers })
  }
}

export class MapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V, KR, VR> {
  constructor(
    private readonly mapper: (key: K, value: V) => KeyValue<KR, VR>,
    private readonly nodeName: string,
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    const kv = this.mapper(record.key, record.value)
    if (kv === null || kv === undefined || typeof kv !== 'object') {
      throw new TypeError(`${this.nodeName}: the mapper must return a KeyValue ({ key, value }), got ${String(kv)}`)
    }
    return this.ctx.forward({ key: kv.key, value: kv.value, timestamp: record.timestamp, headers: record.headers })
  }
}

export class SelectKeyProcessor<K, V, KR> extends ForwardingProcessor<K, V, KR, V> {
  constructor(private readonly selector: (key: K, value: V) => KR) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    return this.ctx.forward({ key: this.selector(record.key, record.value), value: record.value, timestamp: record.timestamp, headers: record.headers })
  }
}

function iteratorOf<T>(iterable: Iterable<T> | null | undefined, nodeName: string): Iterator<T> {
  if (iterable === null || iterable === undefined || typeof (iterable as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${nodeName}: the mapper must return an iterable (an array, a Set, a generator...), got ${String(iterable)}`)
  }
  return iterable[Symbol.iterator]()
}

/** Forwards `values[from..]` under one key; an array needs no iterator or closure per record. */
function forwardValues<K, V>(ctx: InternalProcessorContext<K, V>, key: K, values: readonly V[], timestamp: number, headers: Headers, from: number): void | Promise<void> {
  for (let i = from; i < values.length; i++) {
    const r = ctx.forward({ key, value: values[i], timestamp, headers })
    if (r instanceof Promise) return r.then(() => forwardValues(ctx, key, values, timestamp, headers, i + 1))
  }
}

/** Forwards `pairs[from..]` as records; see forwardValues. */
function forwardPairs<K, V>(
  ctx: InternalProcessorContext<K, V>,
  pairs: readonly KeyValue<K, V>[],
  timestamp: number,
  headers: Headers,
  from: number,
  nodeName: string,
): void | Promise<void> {
  for (let i = from; i < pairs.length; i++) {
    const kv = pairs[i]
    if (kv === null || typeof kv !== 'object') throw new TypeError(`${nodeName}: the mapper must return KeyValue pairs ({ key, value }), got ${String(kv)}`)
    const r = ctx.forward({ key: kv.key, value: kv.value, timestamp, headers })
    if (r instanceof Promise) return r.then(() => forwardPairs(ctx, pairs, timestamp, headers, i + 1, nodeName))
  }
}

export class FlatMapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V, KR, VR> {
  constructor(
    private readonly mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>,
    private readonly nodeName: string,
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    const result = this.mapper(record.key, record.value)
    if (Array.isArray(result)) return forwardPairs(this.ctx, result, record.timestamp, record.headers, 0, this.nodeName)
    const it = iteratorOf(result, this.nodeName)
    const { timestamp, headers } = record
    const nodeName = this.nodeName
    return forwardAll(this.ctx, {
      next: () => {
        const n = it.next()
        if (n.done) return { done: true, value: undefined }
        if (n.value === null || typeof n.value !== 'object') throw new TypeError(`${nodeName}: the mapper must return KeyValue pairs ({ key, value }), got ${String(n.value)}`)
        return { done: false, value: { key: n.value.key, value: n.value.value, timestamp, headers } }
      },
    })
  }
}

export class FlatMapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V, K, VR> {
  constructor(
    private readonly mapper: (value: V, key: K) => Iterable<VR>,
    private readonly nodeName: string,
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    const result = this.mapper(record.value, record.key)
    if (Array.isArray(result)) return forwardValues(this.ctx, record.key, result, record.timestamp, record.headers, 0)
    const it = iteratorOf(result, this.nodeName)
    const { key, timestamp, headers } = record
    return forwardAll(this.ctx, {
      next: () => {
        const n = it.next()
        return n.done ? { done: true, value: undefined } : { done: false, value: { key, value: n.value, timestamp, headers } }
      },
    })
  }
}

/** peek (forwards) and foreach (terminal). */
export class PeekProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  constructor(
    private readonly action: (key: K, value: V) => void,
    private readonly forwards: boolean,
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    this.action(record.key, record.value)
    if (this.forwards) return this.ctx.forward(record)
  }
}

/** Merge and branch children: forwards every record unchanged. */
export class PassThroughProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  process(record: Record<K, V>): void | Promise<void> {
    return this.ctx.forward(record)
  }
}

/** split(): sends each record to the child of the first matching predicate, else to the default branch. */
export class BranchProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  constructor(
    private readonly predicates: ((key: K, value: V) => boolean)[],
    private readonly childNames: string[],
  ) {
    super()
  }
  process(record: Record<K, V>): void | Promise<void> {
    const predicates = this.predicates
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i](record.key, record.value)) return this.ctx.forward(record, this.childNames[i])
    }
    if (this.childNames.length > predicates.length) return this.ctx.forward(record, this.childNames[predicates.length])
  }
}
