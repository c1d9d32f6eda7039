import { describe, expect, it } from 'vitest'
import type { CollectorProducer, ProducedAck, ProducedRecord, ProductionErrorHandler, SinkSerialization } from '../../../topology/internals/collector-types.js'
import { RecordCollectorImpl } from '../../../topology/internals/record-collector.js'
import type { SourceRecordContext } from '../../../topology/internals/record-context-scope.js'
import { Serdes } from '../../../topology/index.js'

// The collector's dead-letter-queue path (Kafka's RecordCollectorImpl with errors.dead.letter.queue.topic.name).
type Batch = { topic: string; records: readonly ProducedRecord[] }

class TxProducer implements CollectorProducer {
  readonly sent: { batches: Batch[]; transactional: boolean }[] = []
  open = false
  sendBatch(batches: readonly Batch[], transactional: boolean): Promise<ProducedAck[]> {
    if (transactional && !this.open) return Promise.reject(new Error('send outside a transaction'))
    this.sent.push({ batches: batches.map(b => ({ topic: b.topic, records: [...b.records] })), transactional })
    return Promise.resolve([])
  }
  inTransaction(): boolean {
    return this.open
  }
  beginTransaction(): Promise<void> {
    this.open = true
    return Promise.resolve()
  }
}

const S = Serdes.String()
const failingSink: SinkSerialization = {
  sinkName: 'to-out',
  keySerde: S,
  valueSerde: { serialize: () => { throw new Error('bad value') }, deserialize: () => null },
  usesDefaultSerdes: false,
  partitioner: null,
  partitionCount: () => 1,
}
const decides = (d: 'CONTINUE' | 'FAIL'): ProductionErrorHandler => ({
  isRecordFault: () => true,
  handle: async () => d,
  handleSerializationError: () => d,
})
const source: SourceRecordContext = {
  topic: 'in',
  partition: 2,
  offset: 41,
  timestamp: 9,
  headers: { h: 'not copied' },
  source: { key: Buffer.from('raw-k'), value: Buffer.from('raw-v'), timestamp: 9, offset: 41 },
}

describe('RecordCollectorImpl dead-letter queue', () => {
  it('a record a sink cannot serialize is written there as the source record, in the task transaction under exactly-once', async () => {
    const p = new TxProducer()
    const c = new RecordCollectorImpl(p, { transactional: true, errors: decides('CONTINUE'), deadLetterQueueTopic: 'dlq' })
    c.bindRecordContext(() => source)
    c.sendRecord('out', { key: 'k', value: 'v', timestamp: 9, headers: {} }, failingSink)
    await c.flush()
    expect(p.sent).toHaveLength(1)
    expect(p.sent[0]!.transactional).toBe(true)
    const [dead] = p.sent[0]!.batches.find(b => b.topic === 'dlq')!.records
    expect(dead!.key).toEqual(Buffer.from('raw-k'))
    expect(dead!.value).toEqual(Buffer.from('raw-v'))
    expect(dead!.partition).toBe(-1)
    expect(dead!.timestamp).toBe(9)
    expect(Object.keys(dead!.headers!)).toEqual([
      '__streams.errors.exception',
      '__streams.errors.message',
      '__streams.errors.stacktrace',
      '__streams.errors.topic',
      '__streams.errors.partition',
      '__streams.errors.offset',
    ])
    expect(dead!.headers!['__streams.errors.topic']).toEqual(Buffer.from('in'))
    expect(dead!.headers!['__streams.errors.partition']).toEqual(Buffer.from('2'))
    expect(dead!.headers!['__streams.errors.offset']).toEqual(Buffer.from('41'))
  })

  it('FAIL under exactly-once: the record stays in the buffer for the transaction that aborts; nothing is sent', async () => {
    const p = new TxProducer()
    const c = new RecordCollectorImpl(p, { transactional: true, errors: decides('FAIL'), deadLetterQueueTopic: 'dlq' })
    c.bindRecordContext(() => source)
    expect(() => c.sendRecord('out', { key: 'k', value: 'v', timestamp: 9, headers: {} }, failingSink)).toThrow('bad value')
    await Promise.resolve()
    expect(p.sent).toEqual([])
    expect(p.open).toBe(false)
  })

  it('FAIL under at-least-once: the record is sent at once, before the task stops', async () => {
    const p = new TxProducer()
    const c = new RecordCollectorImpl(p, { transactional: false, errors: decides('FAIL'), deadLetterQueueTopic: 'dlq' })
    c.bindRecordContext(() => source)
    expect(() => c.sendRecord('out', { key: 'k', value: 'v', timestamp: 9, headers: {} }, failingSink)).toThrow('bad value')
    await new Promise(r => setTimeout(r, 0))
    expect(p.sent.map(s => s.batches.map(b => b.topic))).toEqual([['dlq']])
  })

  it('a send that fails after retries: the handler decides, and each record goes there as its source record', async () => {
    const p = new TxProducer()
    let failNext = true
    const producer: CollectorProducer = {
      sendBatch: (batches, tx) => {
        if (failNext) {
          failNext = false
          return Promise.reject(new Error('record too large'))
        }
        return p.sendBatch(batches, tx)
      },
      inTransaction: () => false,
      beginTransaction: () => Promise.resolve(),
    }
    const c = new RecordCollectorImpl(producer, { transactional: false, errors: decides('CONTINUE'), deadLetterQueueTopic: 'dlq' })
    c.bindRecordContext(() => source)
    c.sendRecord('out', { key: 'k', value: 'v', timestamp: 9, headers: {} }, { ...failingSink, valueSerde: S })
    await c.flush()
    const [dead] = p.sent[0]!.batches.find(b => b.topic === 'dlq')!.records
    expect(dead!.key).toEqual(Buffer.from('raw-k'))
    expect(dead!.value).toEqual(Buffer.from('raw-v'))
    expect(dead!.headers!['__streams.errors.exception']).toEqual(Buffer.from('Error: record too large'))
    expect(dead!.headers!['__streams.errors.offset']).toEqual(Buffer.from('41'))
  })

  it("a { deadLetterTopic } handler writes its own record: the dead-letter queue is not written", async () => {
    const p = new TxProducer()
    let failNext = true
    const producer: CollectorProducer = {
      sendBatch: (batches, tx) => (failNext ? ((failNext = false), Promise.reject(new Error('record too large'))) : p.sendBatch(batches, tx)),
      inTransaction: () => false,
      beginTransaction: () => Promise.resolve(),
    }
    const c = new RecordCollectorImpl(producer, { transactional: false, errors: { ...decides('CONTINUE'), writesDeadLetters: true }, deadLetterQueueTopic: 'dlq' })
    c.sendRecord('out', { key: 'k', value: 'v', timestamp: 9, headers: {} }, { ...failingSink, valueSerde: S })
    await c.flush()
    expect(p.sent).toEqual([])
  })
})
