import type { KeyValue, Windowed } from '../key-value.js'
import type { MaybePromise } from '../maybe-promise.js'
import type { SessionBytesStore } from '../session-store.js'
import { toSessionKey } from '../internals/key-schema.js'
import { missingFindSessionsByEnd } from '../internals/store-errors.js'
import { ChangeLoggingStore } from './change-logging-store.js'

/** Writes through and logs each put under its session key (key | end | start); removes as tombstones. */
export class ChangeLoggingSessionStore extends ChangeLoggingStore<SessionBytesStore> implements SessionBytesStore {
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
  findSessionsByEnd(earliestSessionEnd: number, latestSessionEnd: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return missingFindSessionsByEnd(this.inner, this.name).findSessionsByEnd!(earliestSessionEnd, latestSessionEnd)
  }

  private log(session: Windowed<Buffer>, value: Buffer | null): void {
    this.openWriter().log(toSessionKey(session.key, session.window.start, session.window.end), value)
  }
}
