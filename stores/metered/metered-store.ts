import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import { isCachedStateStore } from '../cached-state-store.js'
import type { KeyValue, Windowed } from '../key-value.js'
import type { Serde } from '../serde.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { mapIterable } from '../internals/async-iterable.js'
import { WrappedStateStore } from '../internals/wrapped-store.js'
import { StateSerdes } from './state-serdes.js'

/**
 * What every metered (typed) layer shares: its serdes, whose topic becomes the changelog topic
 * on init (as Kafka Streams), and handing a typed flush listener to a caching layer below.
 */
export abstract class MeteredStore<S extends StateStore, K, V> extends WrappedStateStore<S> {
  /** Public on the outermost layer: callers may reach the bytes store below. */
  declare readonly inner: S
  protected readonly serdes: StateSerdes<K, V>

  constructor(inner: S, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(inner)
    this.serdes = new StateSerdes(inner.name, keySerde, valueSerde)
  }

  /** The key and value serdes bound to the serde topic: a typed view over the same bytes store reuses them. */
  get stateSerdes(): StateSerdes<K, V> {
    return this.serdes
  }

  override init(context: StateStoreContext, root: StateStore = this): Promise<void> {
    this.serdes.topic = context.changelogTopic(this.name)
    return this.inner.init(context, root)
  }

  /** Passes a bytes listener to the caching layer below; false when there is none. */
  protected setFlushListenerBelow<RK>(listener: () => CacheFlushListener<RK, Buffer>, sendOldValues: boolean): boolean {
    if (!isCachedStateStore(this.inner)) return false
    return (this.inner as unknown as CachedStateStore<RK, Buffer>).setFlushListener(listener(), sendOldValues)
  }
}

/** The bytes listener for a windowed store's cache: deserializes key and values for `listener`. */
export function windowedFlushListener<K, V>(
  s: StateSerdes<K, V>,
  listener: CacheFlushListener<Windowed<K>, V>,
): CacheFlushListener<Windowed<Buffer>, Buffer> {
  return (key, newValue, oldValue, context) =>
    listener({ key: s.key(key.key), window: key.window }, s.value(newValue), s.value(oldValue), context)
}

/** Deserializes a windowed bytes scan. */
export function typedWindowed<K, V>(
  s: StateSerdes<K, V>,
  raw: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>,
): AsyncIterable<KeyValue<Windowed<K>, V>> {
  return mapIterable(raw, (kv) => ({ key: { key: s.key(kv.key.key), window: kv.key.window }, value: s.value(kv.value) as V }))
}
