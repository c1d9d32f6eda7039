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
