import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore } from '../session-store.js'
import type { StateStore, StateStoreContext } from '../state-store.js'
import { toSessionKey } from '../internals/key-schema.js'
import { InvalidStateStoreError } from '../internals/store-errors.js'
import { ChangelogWriter } from './changelog-writer.js'

/** Writes through and logs each put under its session key (key | end | start); removes as tombstones. */
export class ChangeLoggingSessionStore implements SessionBytesStore {
  private writer: ChangelogWriter | null = null

  constructor(private readonly inner: SessionBytesStore) {}

  get name(): string {
    return this.inner.name
  }
  get persistent(): boolean {
    return this.inner.persistent
  }

  init(context: StateStoreContext, root: StateStore): Promise<void> {
    this.writer = new ChangelogWriter(context, context.changelogTopic(this.name))
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

  put(session: Windowed<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    const done = this.inner.put(session, aggregate)
    this.log(session, aggregate)
    return done
  }

  remove(session: Windowed<Buffer>): MaybePromise<void> {
    const done = this.inner.remove(session)
    this.log(session, null)
    return done
  }

  findSessions(key: Buffer, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.findSessions(key, earliestSessionEnd, latestSessionStart)
  }
  fetchSession(key: Buffer, sessionStart: number, sessionEnd: number): MaybePromise<Buffer | null> {
    return this.inner.fetchSession(key, sessionStart, sessionEnd)
  }
  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetch(key)
  }

  private log(session: Windowed<Buffer>, value: Buffer | null): void {
    if (this.writer === null) throw new InvalidStateStoreError(this.name, 'is not initialized')
    this.writer.log(toSessionKey(session.key, session.window.start, session.window.end), value)
  }
}
