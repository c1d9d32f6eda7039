import dc from 'node:diagnostics_channel'
import type { TopicPartition, TopicPartitionOffset } from '../clients/types.js'

/**
 * Traces through `node:diagnostics_channel`. Produce, commit and rebalance are TracingChannels
 * (`tracing:kstreams:<name>:start|end|asyncStart|asyncEnd|error`, one context object per
 * operation, `result` or `error` set on it when it settles); fetch is a plain channel with one
 * message per batch handed over by the consumer. Nothing is built or published while nobody
 * subscribes. Shapes are documented in docs/operations.md.
 */
export const TRACE_CHANNELS = {
  produce: 'kstreams:produce',
  fetch: 'kstreams:fetch',
  commit: 'kstreams:commit',
  rebalance: 'kstreams:rebalance',
} as const

/** One produce request (a batch of one task's buffered records, possibly many topics). */
export interface ProduceTraceContext {
  transactionalId: string | null
  /** Records per topic in this request. */
  topics: { topic: string; records: number }[]
  /** Set when the request succeeds: the first offset written per partition. */
  result?: { topic: string; partition: number; baseOffset: number }[]
  error?: unknown
}

/** A batch of records the consumer handed to the runtime. */
export interface FetchTraceMessage {
  topic: string
  partition: number
  records: number
  firstOffset: number
  lastOffset: number
  highWatermark: number
}

/** One commit: all tasks in one offset commit (at_least_once) or one task's transaction (exactly_once_v2). */
export interface CommitTraceContext {
  applicationId: string
  guarantee: 'at_least_once' | 'exactly_once_v2'
  taskIds: string[]
  /** Filled in before the offsets are sent (empty when nothing moved). */
  offsets: TopicPartitionOffset[]
  error?: unknown
}

/** Applying an assignment the group gave this instance: closing revoked tasks, starting new ones. */
export interface RebalanceTraceContext {
  applicationId: string
  memberId: string | null
  partitions: TopicPartition[]
  error?: unknown
}

export const produceChannel = dc.tracingChannel<unknown, ProduceTraceContext>(TRACE_CHANNELS.produce)
export const fetchChannel = dc.channel(TRACE_CHANNELS.fetch)
export const commitChannel = dc.tracingChannel<unknown, CommitTraceContext>(TRACE_CHANNELS.commit)
export const rebalanceChannel = dc.tracingChannel<unknown, RebalanceTraceContext>(TRACE_CHANNELS.rebalance)

/**
 * Runs `fn` traced on `channel` when someone subscribes; otherwise just runs it (no context is
 * built). `fn` gets the context (or null) to fill in what it learns on the way.
 */
export function traced<C extends object, T>(
  channel: dc.TracingChannel<unknown, C>, context: () => C, fn: (ctx: C | null) => Promise<T>,
): Promise<T> {
  if (!channel.hasSubscribers) return fn(null)
  const ctx = context()
  return channel.tracePromise(() => fn(ctx), ctx)
}
