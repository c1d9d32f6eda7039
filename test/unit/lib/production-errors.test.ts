import { describe, expect, it } from 'vitest'
import type { RecordProducer } from '../../../lib/clients/types.js'
import type { Logger, ProductionExceptionHandler } from '../../../lib/config/types.js'
import { ProductionErrorRouter } from '../../../lib/errors/production-errors.js'
import { SerializationError } from '../../../topology/serdes/serde-errors.js'

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} } as unknown as Logger
const noProducer = (): RecordProducer => {
  throw new Error('no dead-letter producer for serialization errors')
}
const error = new SerializationError('Sink s could not serialize a record for topic "out": boom', 'out')

function router(h: ProductionExceptionHandler) {
  const dropped: number[] = []
  return { r: new ProductionErrorRouter(h, silent, noProducer, n => dropped.push(n)), dropped }
}

describe('ProductionErrorRouter on serialization errors', () => {
  it("'fail' fails; 'continue' drops and counts", () => {
    expect(router('fail').r.handleSerializationError('out', null, 1, error)).toBe('FAIL')
    const c = router('continue')
    expect(c.r.handleSerializationError('out', null, 1, error)).toBe('CONTINUE')
    expect(c.dropped).toEqual([1])
  })

  it('a function decides with the record context: no value bytes, no partition yet', () => {
    const seen: unknown[] = []
    const f = router(ctx => (seen.push(ctx), 'CONTINUE'))
    expect(f.r.handleSerializationError('out', Buffer.from('k'), 1, error)).toBe('CONTINUE')
    expect(seen).toEqual([{ topic: 'out', partition: -1, key: Buffer.from('k'), value: null, error }])
    expect(f.dropped).toEqual([1])
    expect(router(() => 'FAIL').r.handleSerializationError('out', null, 1, error)).toBe('FAIL')
  })

  it('{ deadLetterTopic } answers the dead-letter record for the collector to send', () => {
    const d = router({ deadLetterTopic: 'dlq' })
    expect(d.r.handleSerializationError('out', Buffer.from('k'), 9, error)).toEqual({
      topic: 'dlq',
      record: {
        key: Buffer.from('k'),
        value: null,
        timestamp: 9,
        headers: {
          'kstreams.error.class': 'SerializationError',
          'kstreams.error.message': error.message,
          'kstreams.error.topic': 'out',
          'kstreams.error.partition': '-1',
          'kstreams.error.offset': '-1',
        },
      },
    })
  })

  it("asks the handler about failed sends only for errors that may be the records' fault", () => {
    const { r } = router('continue')
    expect(r.isRecordFault(new Error('record too large'))).toBe(true)
    expect(r.isRecordFault(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe(false)
  })
})
