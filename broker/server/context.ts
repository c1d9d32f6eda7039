// What request handlers see of the broker.

import type { LogManager } from '../log/log-manager.js'
import type { GroupCoordinator } from '../group/coordinator.js'
import type { OffsetStore } from '../group/offsets.js'
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/messages/add-offsets-to-txn.js'
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../protocol/messages/add-partitions-to-txn.js'
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/messages/end-txn.js'
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/messages/init-producer-id.js'
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/messages/txn-offset-commit.js'
import type { FetchWaiters } from './fetch-waiters.js'
import type { FetchSessions } from './fetch-sessions.js'

type Answer<T> = T | Promise<T>

/** The transaction coordinator's request handlers (broker/txn/), taking and returning decoded bodies. */
export interface TransactionHandlers {
  initProducerId(req: InitProducerIdRequest, apiVersion: number): Answer<InitProducerIdResponse>
  addPartitionsToTxn(req: AddPartitionsToTxnRequest, apiVersion: number): Answer<AddPartitionsToTxnResponse>
  addOffsetsToTxn(req: AddOffsetsToTxnRequest, apiVersion: number): Answer<AddOffsetsToTxnResponse>
  txnOffsetCommit(req: TxnOffsetCommitRequest, apiVersion: number): Answer<TxnOffsetCommitResponse>
  endTxn(req: EndTxnRequest, apiVersion: number): Answer<EndTxnResponse>
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
  /** Incremental fetch sessions (KIP-227). */
  readonly fetchSessions: FetchSessions
}

/** The request header as handlers use it. */
export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

export interface RequestContext {
  readonly header: RequestHeader
  /** As Kafka reports client hosts: "/127.0.0.1". */
  readonly clientHost: string
}

/** Returns the response body, or null when the request gets no response (Produce with acks=0). */
export type Handler<Req, Resp> = (body: Req, broker: BrokerContext, request: RequestContext) => Resp | null | Promise<Resp | null>
