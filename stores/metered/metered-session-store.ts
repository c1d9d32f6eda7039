import type { CacheFlushListener, CachedStateStore } from '../cached-state-store.js'
import { isCachedStateStore } from '../cached-state-store.js'
import type { KeyValue, Windowed } from '../key-value.js'
import { mapMaybe, type MaybePromise } from '../maybe-promise.js'
import type { Serde } from '../serde.js'
import type { SessionBytesStore, SessionStore } from '../session-store.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { mapIterable } from '../internals/async-iterable.js'
import { StateSerdes } from './state-serdes.js'

/** Typed session store over a bytes one (serde topic = changelog topic). */
export class MeteredSessionStore<K, V> implements SessionStore<K, V>, CachedStateStore<Windowed<K>, V> {
  private readonly serdes: StateSerdes<K, V>

  constructor(
    readonly inner: SessionBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ) {
    this.serdes = new StateSerdes(inner.name, keySerde, valueSerde)
  }

  get name(): string {
    return this.inner.name
  }
  get persistent(): boolean {
    return this.inner.persistent
  }

  init(context: StateStoreContext, root: StateStore = this): Promise<void> {
    this.serdes.topic = context.changelogTopic(this.name)
    return this.inner.init(context, root)
  }
  flush(): Promise<void> {
    return this.inner.flush()
  }
  close(): Promise<void> {
    return this.inner.close()
  }
  isOpen(): boolean {
    return this.inner.isOpen()
  }

  setFlushListener(listener: CacheFlushListener<Windowed<K>, V>, sendOldValues: boolean): boolean {
    if (!isCachedStateStore(this.inner)) return false
    const s = this.serdes
    return (this.inner as unknown as CachedStateStore<Windowed<Buffer>, Buffer>).setFlushListener(
      (key, newValue, oldValue, context) =>
        listener({ key: s.key(key.key), window: key.window }, s.value(newValue), s.value(oldValue), context),
      sendOldValues,
    )
  }

  put(session: Windowed<K>, aggregate: V | null): MaybePromise<void> {
    return this.inner.put(this.rawSession(session), this.serdes.rawValue(aggregate))
  }

  remove(session: Windowed<K>): MaybePromise<void> {
    return this.inner.remove(this.rawSession(session))
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): MaybePromise<V | null> {
    return mapMaybe(this.inner.fetchSession(this.serdes.rawKey(key), sessionStart, sessionEnd), (r) => this.serdes.value(r))
  }

  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.typed(this.inner.findSessions(this.serdes.rawKey(key), earliestSessionEnd, latestSessionStart))
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.typed(this.inner.fetch(this.serdes.rawKey(key)))
  }

  private rawSession(session: Windowed<K>): Windowed<Buffer> {
    if (!session || !session.window) throw new TypeError(`State store "${this.name}": session must be { key, window: { start, end } }`)
    return { key: this.serdes.rawKey(session.key), window: session.window }
  }

  private typed(raw: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const s = this.serdes
    return mapIterable(raw, (kv) => ({ key: { key: s.key(kv.key.key), window: kv.key.window }, value: s.value(kv.value) as V }))
  }
}
