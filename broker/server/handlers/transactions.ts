import { ErrorCode } from '../../../protocol/errors.js'
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../../protocol/messages/add-offsets-to-txn.js'
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../../protocol/messages/add-partitions-to-txn.js'
import type { EndTxnRequest, EndTxnResponse } from '../../../protocol/messages/end-txn.js'
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../../protocol/messages/init-producer-id.js'
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../../protocol/messages/txn-offset-commit.js'
import type { BrokerContext, Handler, TransactionHandlers } from '../context.js'

// The five transactional APIs go to the transaction coordinator (broker/txn/).
function route<Req, Resp>(call: (txn: TransactionHandlers, body: Req, apiVersion: number) => Resp | Promise<Resp>, unavailable: (body: Req) => Resp): Handler<Req, Resp> {
  return (body, broker: BrokerContext, { header }) => (broker.txn ? call(broker.txn, body, header.apiVersion) : unavailable(body))
}

const NA = ErrorCode.COORDINATOR_NOT_AVAILABLE

export const initProducerId = route((t, b: InitProducerIdRequest, v) => t.initProducerId(b, v), (): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode: NA, producerId: -1, producerEpoch: -1 }))
export const addPartitionsToTxn = route((t, b: AddPartitionsToTxnRequest, v) => t.addPartitionsToTxn(b, v), (b): AddPartitionsToTxnResponse => ({
  throttleTimeMs: 0,
  resultsByTopicV3AndBelow: (b.v3AndBelowTopics ?? []).map((t) => ({
    name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: NA })),
  })),
}))
export const addOffsetsToTxn = route((t, b: AddOffsetsToTxnRequest, v) => t.addOffsetsToTxn(b, v), (): AddOffsetsToTxnResponse => ({ throttleTimeMs: 0, errorCode: NA }))
export const txnOffsetCommit = route((t, b: TxnOffsetCommitRequest, v) => t.txnOffsetCommit(b, v), (b): TxnOffsetCommitResponse => ({
  throttleTimeMs: 0,
  topics: b.topics.map((t) => ({
    name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NA })),
  })),
}))
export const endTxn = route((t, b: EndTxnRequest, v) => t.endTxn(b, v), (): EndTxnResponse => ({ throttleTimeMs: 0, errorCode: NA }))
