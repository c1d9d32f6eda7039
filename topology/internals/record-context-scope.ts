import { AsyncLocalStorage } from 'node:async_hooks'
import type { Headers, RecordContext } from '../../stores/state-store.js'
import type { Record } from '../processor/record.js'
import type { RawRecord } from './task-types.js'

/** Shared empty headers: records without headers and punctuations carry this one object. */
export const NO_HEADERS: Headers = Object.freeze({}) as Headers

/**
 * A record context that also holds the source record as it was read (a reference, not a copy):
 * its raw key and value bytes are what a dead-letter record carries (Kafka Streams'
 * sourceRawKey/sourceRawValue). Null where there is no source record (a punctuation).
 */
export interface SourceRecordContext extends RecordContext {
  readonly source: RawRecord | null
}

/** The source record of a context, when the context came from one. */
export function sourceOf(context: RecordContext): RawRecord | null {
  return (context as Partial<SourceRecordContext>).source ?? null
}

/** The context before any record: what stores see when nothing is being processed. */
export const NO_RECORD_CONTEXT: RecordContext = Object.freeze({ topic: '', partition: -1, offset: -1, timestamp: -1, headers: NO_HEADERS, source: null })

/**
 * The context a child is called with for a forwarded record: the parent's origin (topic,
 * partition, offset) with the forwarded record's timestamp and headers, as Kafka Streams'
 * ProcessorContextImpl.forward. Reuses the parent's object when nothing changed, so a chain of
 * stateless operators allocates nothing.
 */
export function contextForChild(parent: RecordContext, record: Record<unknown, unknown>): RecordContext {
  const headers = record.headers ?? NO_HEADERS
  if (parent.timestamp === record.timestamp && parent.headers === headers) return parent
  // undefined (not null) when the parent has no source: such contexts compare equal to plain ones
  const source = (parent as Partial<SourceRecordContext>).source
  const child: RecordContext & Partial<SourceRecordContext> = { topic: parent.topic, partition: parent.partition, offset: parent.offset, timestamp: record.timestamp, headers, source }
  return child
}

/**
 * Which record context is current for the code running now: what `ProcessorContext.recordContext()`
 * returns and what change-logging stores stamp their writes with. The context itself is carried
 * with each record through the graph (`TaskRuntime.deliver`); the scope only makes it visible to
 * code that cannot be handed it (user code reading its context, stores logging a write).
 */
export interface RecordContextScope {
  current(): RecordContext
  /** Makes `context` current for the task's top-level work (an input record, a punctuation). */
  enter(context: RecordContext): void
  /** Calls `fn(a, b)` with `context` current, until its promise settles when it returns one. */
  run<A, B, T>(context: RecordContext, fn: (a: A, b: B) => T, a: A, b: B): T
}

/**
 * For graphs of the library's own processors: they await every call they make (forwards, store
 * writes), so record chains never interleave within a task and one field, set on entry and
 * restored when the call settles (not when it returns), is right after every await. No promise
 * hook, and on the synchronous path a save and a restore per node.
 */
export class StackScope implements RecordContextScope {
  private context: RecordContext = NO_RECORD_CONTEXT

  current(): RecordContext {
    return this.context
  }

  enter(context: RecordContext): void {
    this.context = context
  }

  run<A, B, T>(context: RecordContext, fn: (a: A, b: B) => T, a: A, b: B): T {
    const saved = this.context
    this.context = context
    let result: T
    try {
      result = fn(a, b)
    } catch (err) {
      this.context = saved
      throw err
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          this.context = saved
          return value
        },
        (err: unknown) => {
          this.context = saved
          throw err
        },
      ) as T
    }
    this.context = saved
    return result
  }
}

let storage: AsyncLocalStorage<RecordContext> | null = null

/**
 * For graphs with Processor API code: a user's `process` may forward without awaiting and go on
 * after its own `await`, so two record chains of one task run interleaved and no single field
 * can be right for both; only the async continuation knows whose it is. AsyncLocalStorage
 * carries the context into those continuations. It is not used otherwise because, on Node 20,
 * the first `run` installs a promise hook that makes every `await` of the process slower
 * (about 3x in a micro-benchmark), kafkajs' included.
 */
export class AsyncScope implements RecordContextScope {
  private readonly storage = (storage ??= new AsyncLocalStorage<RecordContext>())
  private base: RecordContext = NO_RECORD_CONTEXT

  current(): RecordContext {
    return this.storage.getStore() ?? this.base
  }

  enter(context: RecordContext): void {
    this.base = context
  }

  run<A, B, T>(context: RecordContext, fn: (a: A, b: B) => T, a: A, b: B): T {
    return this.storage.run(context, fn, a, b)
  }
}
