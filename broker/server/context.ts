// What request handlers see of the broker.

import type { LogManager } from '../log/log-manager.js'
import type { GroupCoordinator } from '../group/coordinator.js'
import type { OffsetStore } from '../group/offsets.js'
import type { Message } from '../protocol/codec.js'
import type { RequestHeader } from '../protocol/messages.js'
import type { FetchWaiters } from './fetch-waiters.js'

/** The transaction coordinator's request handlers (broker/txn/), taking and returning decoded bodies. */
export interface TransactionHandlers {
  initProducerId(req: Message, apiVersion: number): Message | Promise<Message>
  addPartitionsToTxn(req: Message, apiVersion: number): Message | Promise<Message>
  addOffsetsToTxn(req: Message, apiVersion: number): Message | Promise<Message>
  txnOffsetCommit(req: Message, apiVersion: number): Message | Promise<Message>
  endTxn(req: Message, apiVersion: number): Message | Promise<Message>
  tick(now: number): void
  /** Whether an open transaction holds an offset commit for this group and partition (for OffsetFetch requireStable). */
  hasPendingOffset?(groupId: string, topic: string, partition: number): boolean
}

export interface BrokerContext {
  readonly nodeId: number
  readonly host: string
  port: number
  readonly clusterId: string
  readonly logs: LogManager
  readonly groups: GroupCoordinator
  readonly offsets: OffsetStore
  readonly txn: TransactionHandlers | null
  readonly autoCreateTopics: boolean
  readonly defaultPartitions: number
  readonly fetchWaiters: FetchWaiters
}

export interface RequestContext {
  readonly header: RequestHeader
  /** As Kafka reports client hosts: "/127.0.0.1". */
  readonly clientHost: string
}

/** Returns the response body, or null when the request gets no response (Produce with acks=0). */
export type Handler = (body: Message, broker: BrokerContext, request: RequestContext) => Message | null | Promise<Message | null>
