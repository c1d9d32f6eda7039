import { ErrorCode } from '../../protocol/errors.js'
import type { Message } from '../../protocol/codec.js'
import type { BrokerContext, Handler, TransactionHandlers } from '../context.js'

// The five transactional APIs go to the transaction coordinator (broker/txn/).
function route(call: (txn: TransactionHandlers, body: Message, apiVersion: number) => Message | Promise<Message>, unavailable: (body: Message) => Message): Handler {
  return (body, broker: BrokerContext, { header }) => (broker.txn ? call(broker.txn, body, header.apiVersion) : unavailable(body))
}

const NA = ErrorCode.COORDINATOR_NOT_AVAILABLE

export const initProducerId = route((t, b, v) => t.initProducerId(b, v), () => ({ throttleTimeMs: 0, errorCode: NA, producerId: -1, producerEpoch: -1 }))
export const addPartitionsToTxn = route((t, b, v) => t.addPartitionsToTxn(b, v), (b) => ({
  throttleTimeMs: 0,
  resultsByTopicV3AndBelow: (b.v3AndBelowTopics as Message[]).map((t) => ({
    name: t.name, resultsByPartition: (t.partitions as number[]).map((p) => ({ partitionIndex: p, partitionErrorCode: NA })),
  })),
}))
export const addOffsetsToTxn = route((t, b, v) => t.addOffsetsToTxn(b, v), () => ({ throttleTimeMs: 0, errorCode: NA }))
export const txnOffsetCommit = route((t, b, v) => t.txnOffsetCommit(b, v), (b) => ({
  throttleTimeMs: 0,
  topics: (b.topics as Message[]).map((t) => ({
    name: t.name, partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NA })),
  })),
}))
export const endTxn = route((t, b, v) => t.endTxn(b, v), () => ({ throttleTimeMs: 0, errorCode: NA }))
