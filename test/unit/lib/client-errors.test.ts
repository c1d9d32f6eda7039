import { createRequire } from 'node:module'
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ClientError, classifyClientError, isRecoverableClientError, isRetriableClientError, kafkaCodeOf } from '../../../lib/clients/errors.js'
import '../../../lib/clients/kafkajs/errors.js'

// The shapes kafkajs 2.2.4 throws: a protocol error built from the broker's code, wrapped by its
// retrier in KafkaJSNonRetriableError (non-retriable codes) or KafkaJSNumberOfRetriesExceeded.
const require = createRequire(import.meta.url)
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode(code: number): KafkaJSProtocolError }

const protocol = (code: number) => createErrorFromCode(code)
const nonRetriable = (inner: Error) => new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: unknown }) => KafkaJSNonRetriableError)(inner, { cause: inner })
const retriesExceeded = (inner: Error) => new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 1000, cause: inner } as never)

describe('client errors by kind', () => {
  it('reads the Kafka code of a protocol error', () => {
    expect(classifyClientError(protocol(27))).toBe('rebalance')
    expect(classifyClientError(protocol(48))).toBe('transaction_state')
    expect(classifyClientError(protocol(47))).toBe('fenced')
    expect(classifyClientError(protocol(15))).toBe('retriable')
    expect(classifyClientError(protocol(3))).toBe('unknown_topic')
    expect(classifyClientError(protocol(29))).toBe('authorization')
    expect(classifyClientError(protocol(10))).toBe('fatal') // MESSAGE_TOO_LARGE
  })

  it('finds a rebalance error under the non-retriable wrapper kafkajs puts around an offset commit refusal', () => {
    for (const code of [22, 25, 27]) {
      const err = nonRetriable(protocol(code))
      expect(err.retriable).toBe(false)
      expect(classifyClientError(err)).toBe('rebalance')
      expect(kafkaCodeOf(err)).toBe(code)
    }
  })

  it('classifies transaction errors under both wrappers', () => {
    expect(classifyClientError(nonRetriable(protocol(48)))).toBe('transaction_state') // INVALID_TXN_STATE
    expect(classifyClientError(nonRetriable(protocol(49)))).toBe('transaction_state') // INVALID_PRODUCER_ID_MAPPING
    expect(classifyClientError(nonRetriable(protocol(59)))).toBe('transaction_state') // UNKNOWN_PRODUCER_ID
    expect(classifyClientError(nonRetriable(protocol(45)))).toBe('transaction_state') // OUT_OF_ORDER_SEQUENCE_NUMBER
    expect(classifyClientError(nonRetriable(protocol(47)))).toBe('fenced')
    expect(classifyClientError(retriesExceeded(protocol(51)))).toBe('retriable') // CONCURRENT_TRANSACTIONS
  })

  it('keeps PRODUCER_FENCED (90), which kafkajs 2.2.4 does not know, as a fencing error', () => {
    const err = nonRetriable(protocol(90))
    // kafkajs's own table is left as it is: the code comes back as an unknown one...
    expect((err.cause as KafkaJSProtocolError).type).toBe('KAFKAJS_UNKNOWN_ERROR_CODE')
    // ...and the adapter still reads it as the broker sent it.
    expect(kafkaCodeOf(err)).toBe(90)
    expect(classifyClientError(err)).toBe('fenced')
  })

  it('treats retries exhausted on a retriable code or the network as retriable', () => {
    expect(classifyClientError(retriesExceeded(protocol(14)))).toBe('retriable')
    expect(classifyClientError(retriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { broker: 'b:1', code: 'ECONNREFUSED' })))).toBe('retriable')
    expect(classifyClientError(new KafkaJSRequestTimeoutError('Request OffsetFetch(key: 9, version: 3) timed out'))).toBe('retriable')
    expect(classifyClientError(new KafkaJSError('Broker not connected'))).toBe('retriable') // retriable flag
    const sys = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })
    expect(classifyClientError(sys)).toBe('retriable')
    expect(isRetriableClientError(retriesExceeded(protocol(3)))).toBe(true)
  })

  it('leaves errors without a code or retriable cause fatal, whatever their message says', () => {
    expect(classifyClientError(new KafkaJSNonRetriableError('Transaction state exception: Invalid transition'))).toBe('fatal')
    expect(classifyClientError(new Error('The producer was fenced (PRODUCER_FENCED), connection error'))).toBe('fatal')
    expect(classifyClientError(new TypeError('x is not a function'))).toBe('fatal')
    expect(classifyClientError(undefined)).toBe('fatal')
    expect(isRecoverableClientError(new Error('user code failed'))).toBe(false)
  })

  it('reads typed client errors and causes of plain errors', () => {
    const typed = new ClientError('fenced', 'task 0_1: producer fenced', 90)
    expect(classifyClientError(typed)).toBe('fenced')
    expect(classifyClientError(new Error('commit of task 0_1 failed', { cause: nonRetriable(protocol(25)) }))).toBe('rebalance')
    expect(classifyClientError({ name: 'Wrapper', originalError: protocol(48) } as unknown)).toBe('transaction_state')
    const wrapped = Object.assign(new KafkaJSError('wrapper', { retriable: false }), { originalError: protocol(48) })
    expect(classifyClientError(wrapped)).toBe('transaction_state')
  })

  it('stops on cyclic cause chains', () => {
    const a = new KafkaJSNonRetriableError('a') as KafkaJSNonRetriableError & { cause: unknown }
    const b = Object.assign(new KafkaJSNonRetriableError("b"), { cause: a })
    a.cause = b
    expect(classifyClientError(a)).toBe('fatal')
  })
})
