import { describe, expect, it } from 'vitest'
import { ERRORS, ErrorCode, errorInfo, isRetriable } from '../../../protocol/index.js'

describe('error-code table', () => {
  it('has unique codes and names, with messages', () => {
    expect(new Set(ERRORS.map((e) => e.code)).size).toBe(ERRORS.length)
    expect(new Set(ERRORS.map((e) => e.name)).size).toBe(ERRORS.length)
    for (const e of ERRORS) expect(e.message.length).toBeGreaterThan(5)
  })

  it('flags the errors a client retries', () => {
    for (const name of ['NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT',
      'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS',
      'UNSTABLE_OFFSET_COMMIT', 'UNKNOWN_TOPIC_ID', 'NOT_ENOUGH_REPLICAS'] as const) {
      expect(isRetriable(ErrorCode[name]), name).toBe(true)
    }
    for (const name of ['NONE', 'UNKNOWN_SERVER_ERROR', 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'ILLEGAL_GENERATION',
      'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'TOPIC_ALREADY_EXISTS', 'OUT_OF_ORDER_SEQUENCE_NUMBER'] as const) {
      expect(isRetriable(ErrorCode[name]), name).toBe(false)
    }
  })

  it('describes a code it does not know without throwing', () => {
    expect(errorInfo(9999)).toEqual({ code: 9999, name: 'UNKNOWN_ERROR_CODE_9999', retriable: false, message: 'Error code 9999 is not known to this client.' })
    expect(isRetriable(9999)).toBe(false)
  })
})

// Every code Kafka 4.1 marks retriable (its exception class extends RetriableException), by name.
// Source: apache/kafka Errors.java and common/errors/*.java at 1eb7644349cb07139d6a3c1ad1986979647cac99,
// and the Kafka 4.1 javadoc class hierarchy for the codes added after it (128-133).
const KAFKA_RETRIABLE: Record<number, string> = {
  2: 'CORRUPT_MESSAGE', 3: 'UNKNOWN_TOPIC_OR_PARTITION', 5: 'LEADER_NOT_AVAILABLE', 6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT', 9: 'REPLICA_NOT_AVAILABLE', 13: 'NETWORK_EXCEPTION', 14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE', 16: 'NOT_COORDINATOR', 19: 'NOT_ENOUGH_REPLICAS', 20: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  41: 'NOT_CONTROLLER', 51: 'CONCURRENT_TRANSACTIONS', 56: 'KAFKA_STORAGE_ERROR', 70: 'FETCH_SESSION_ID_NOT_FOUND',
  71: 'INVALID_FETCH_SESSION_EPOCH', 72: 'LISTENER_NOT_FOUND', 74: 'FENCED_LEADER_EPOCH', 75: 'UNKNOWN_LEADER_EPOCH',
  78: 'OFFSET_NOT_AVAILABLE', 80: 'PREFERRED_LEADER_NOT_AVAILABLE', 83: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', 84: 'ELECTION_NOT_NEEDED',
  88: 'UNSTABLE_OFFSET_COMMIT', 89: 'THROTTLING_QUOTA_EXCEEDED', 100: 'UNKNOWN_TOPIC_ID', 103: 'INCONSISTENT_TOPIC_ID',
  106: 'FETCH_SESSION_TOPIC_ID_ERROR', 122: 'SHARE_SESSION_NOT_FOUND', 123: 'INVALID_SHARE_SESSION_EPOCH', 133: 'SHARE_SESSION_LIMIT_REACHED',
}

describe("retriable flags as Kafka's", () => {
  it('has every code from -1 to 133 (Kafka 4.1), each once', () => {
    expect(ERRORS.map((e) => e.code).sort((a, b) => a - b)).toEqual(Array.from({ length: 135 }, (_, i) => i - 1))
    expect(ErrorCode.REBOOTSTRAP_REQUIRED).toBe(129)
    expect(ErrorCode.STREAMS_TOPOLOGY_FENCED).toBe(132)
  })

  it('marks exactly the codes whose Kafka exception is a RetriableException', () => {
    const retriable = Object.fromEntries(ERRORS.filter((e) => e.retriable).map((e) => [e.code, e.name]))
    expect(retriable).toEqual(Object.fromEntries(Object.entries(KAFKA_RETRIABLE)))
  })
})
