import { describe, expect, it } from 'vitest'
import type { CollectorProducer, ProducedAck, ProducedRecord, ProductionErrorHandler, SinkSerialization } from '../../../topology/internals/collector-types.js'
import { DEFAULT_PARTITION, RecordCollectorImpl } from '../../../topology/internals/record-collector.js'
import { SerializationError, Serdes } from '../../../topology/index.js'
import { InMemoryProducer } from '../../../topology/test-driver/in-memory-producer.js'

type Batch = { topic: string; records: readonly ProducedRecord[] }

/** Acks every partition of a send at `base`, or fails each send with the next queued error. */
class FakeProducer implements CollectorProducer {
  readonly sent: Batch[][] = []
  readonly failures: Error[] = []
  transactions = 0
  private open = false
  constructor(private readonly base = 0) {}
  sendBatch(batches: readonly Batch[], transactional: boolean): Promise<ProducedAck[]> {
    const failure = this.failures.shift()
    if (failure) return Promise.reject(failure)
    if (transactional && !this.open) return Promise.reject(new Error('send outside a transaction'))
    this.sent.push(batches.map((b) => ({ topic: b.topic, records: [...b.records] })))
    const acks: ProducedAck[] = []
    for (const b of batches) for (const p of new Set(b.records.map((r) => r.partition))) if (p >= 0) acks.push({ topic: b.topic, partition: p, baseOffset: this.base })
    return Promise.resolve(acks)
  }
  inTransaction(): boolean {
    return this.open
  }
  beginTransaction(): Promise<void> {
    this.open = true
    this.transactions++
    return Promise.resolve()
  }
  records(topic: string): ProducedRecord[] {
    return this.sent.flat().filter((b) => b.topic === topic).flatMap((b) => b.records)
  }
}

/** Records the handler's calls; answers with `decision`. */
function handler(decision: ReturnType<ProductionErrorHandler['handleSerializationError']>, recordFault = true) {
  const calls: { kind: 'send' | 'serialize'; topic: string; error: Error; key?: Buffer | null; records?: readonly ProducedRecord[] }[] = []
  const h: ProductionErrorHandler = {
    isRecordFault: () => recordFault,
    handle: async (topic, records, error) => {
      calls.push({ kind: 'send', topic, records, error })
      return typeof decision === 'string' ? decision : 'CONTINUE'
    },
    handleSerializationError: (topic, key, _ts, error) => {
      calls.push({ kind: 'serialize', topic, key, error })
      return decision
    },
  }
  return { h, calls }
}

const S = Serdes.String()
const sink = (over: Partial<SinkSerialization> = {}): SinkSerialization => ({
  sinkName: 'to-out',
  keySerde: S,
  valueSerde: S,
  usesDefaultSerdes: false,
  partitioner: null,
  partitionCount: () => 4,
  ...over,
})
const rec = (key: unknown, value: unknown, timestamp = 7) => ({ key, value, timestamp, headers: {} })
const str = (b: Buffer | null) => b?.toString()

describe('RecordCollectorImpl', () => {
  it('serializes a sink record with its serdes and leaves the partition to the producer without a partitioner', async () => {
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: false })
    c.sendRecord('out', { key: 'k', value: 'v', timestamp: 7, headers: { h: 'x' } }, sink())
    expect(p.sent).toEqual([]) // buffered until flush
    await c.flush()
    expect(p.records('out')).toEqual([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 7, headers: { h: 'x' }, partition: DEFAULT_PARTITION }])
  })

  it("uses the sink's stream partitioner with the topic's partition count; undefined falls back to the default", async () => {
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: false })
    const seen: unknown[] = []
    const partitioner = (topic: string, key: string, value: string | null, n: number) => {
      seen.push([topic, key, value, n])
      return key === 'any' ? undefined : Number(key)
    }
    c.sendRecord('out', rec('3', 'a'), sink({ partitioner }))
    c.sendRecord('out', rec('any', 'b'), sink({ partitioner }))
    c.sendRecord('out', rec('1', 'c'), sink({ partitioner, partitionCount: () => undefined }))
    await c.flush()
    expect(p.records('out').map((r) => r.partition)).toEqual([3, DEFAULT_PARTITION, DEFAULT_PARTITION])
    expect(seen).toEqual([
      ['out', '3', 'a', 4],
      ['out', 'any', 'b', 4],
    ])
  })

  it('rejects a partition outside the topic, naming the sink', () => {
    const c = new RecordCollectorImpl(new FakeProducer(), { transactional: false })
    expect(() => c.sendRecord('out', rec('k', 'v'), sink({ partitioner: () => 4 }))).toThrow(
      'Sink to-out: the stream partitioner chose partition 4 of topic out, which has 4',
    )
  })

  it('without a handler a serialization error fails the record, naming the sink and hinting at default serdes', () => {
    const c = new RecordCollectorImpl(new FakeProducer(), { transactional: false })
    let err: unknown
    try {
      c.sendRecord('out', rec('k', 42), sink({ usesDefaultSerdes: true }))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SerializationError)
    expect((err as Error).message).toBe(
      'Sink to-out could not serialize a record for topic "out": Serdes.String() cannot serialize a number for topic "out" (this sink uses the default serdes; name them with Produced.with(keySerde, valueSerde))',
    )
  })

  it('routes a serialization error to the handler: CONTINUE drops the record, FAIL throws it', async () => {
    const p = new FakeProducer()
    const cont = handler('CONTINUE')
    const c = new RecordCollectorImpl(p, { transactional: false, errors: cont.h })
    c.sendRecord('out', rec('k', 42), sink())
    c.sendRecord('out', rec('k2', 'ok'), sink())
    await c.flush()
    expect(cont.calls).toHaveLength(1)
    expect(cont.calls[0]).toMatchObject({ kind: 'serialize', topic: 'out' })
    expect(str(cont.calls[0]!.key!)).toBe('k') // the key serialized; only the value failed
    expect(cont.calls[0]!.error).toBeInstanceOf(SerializationError)
    expect(p.records('out').map((r) => str(r.value))).toEqual(['ok'])

    const fail = handler('FAIL')
    const c2 = new RecordCollectorImpl(new FakeProducer(), { transactional: false, errors: fail.h })
    expect(() => c2.sendRecord('out', rec(1, 'v'), sink())).toThrow(SerializationError)
    expect(fail.calls[0]).toMatchObject({ kind: 'serialize', key: null })
  })

  it('sends a record the handler routes to a dead-letter topic with the task output', async () => {
    const p = new FakeProducer()
    const { h } = handler({ topic: 'dlq', record: { key: Buffer.from('k'), value: null, timestamp: 7, headers: { why: 'bad' } } })
    const c = new RecordCollectorImpl(p, { transactional: false, errors: h })
    c.sendRecord('out', rec('k', 42), sink())
    await c.flush()
    expect(p.records('out')).toEqual([])
    expect(p.records('dlq')).toEqual([{ key: Buffer.from('k'), value: null, timestamp: 7, headers: { why: 'bad' }, partition: DEFAULT_PARTITION }])
  })

  it('routes an asynchronous serde failure to the handler too', async () => {
    const { h, calls } = handler('CONTINUE')
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: false, errors: h })
    const asyncValue = { serialize: async (_t: string, v: unknown) => (v === 'bad' ? Promise.reject(new Error('registry down')) : Buffer.from(String(v))), deserialize: async () => null }
    await c.sendRecord('out', rec('k', 'bad'), sink({ valueSerde: asyncValue }))
    await c.sendRecord('out', rec('k', 'good'), sink({ valueSerde: asyncValue }))
    await c.flush()
    expect(calls.map((x) => x.error.message)).toEqual(['Sink to-out could not serialize a record for topic "out": registry down'])
    expect(p.records('out').map((r) => str(r.value))).toEqual(['good'])
  })

  it('tracks the next offset of each partition written explicitly once acked, not of default-partitioned records', async () => {
    const p = new FakeProducer(10)
    const c = new RecordCollectorImpl(p, { transactional: false })
    const r = { key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1 }
    c.send('app-store-changelog', r, 2)
    c.send('app-store-changelog', r, 2)
    c.send('app-store-changelog', r, 3)
    c.send('out', r, DEFAULT_PARTITION)
    expect(c.ackedOffset('app-store-changelog', 2)).toBeUndefined()
    await c.flush()
    expect(c.ackedOffset('app-store-changelog', 2)).toBe(12)
    expect(c.ackedOffset('app-store-changelog', 3)).toBe(11)
    expect(c.ackedOffset('out', 0)).toBeUndefined()
    expect(c.sentRecords).toBe(4)
  })

  it('acks offsets as a broker partition would with the in-memory producer, counting from 0 per partition', async () => {
    const appended: [string, number, number][] = []
    const p = new InMemoryProducer((topic, partition, offset) => appended.push([topic, partition, offset]))
    const c = new RecordCollectorImpl(p, { transactional: false })
    const r = { key: null, value: Buffer.from('v'), timestamp: 1 }
    c.send('cl', r, 0)
    c.send('cl', r, 0)
    c.send('out', r, DEFAULT_PARTITION)
    await c.flush()
    c.send('cl', r, 0)
    await c.flush()
    expect(appended).toEqual([
      ['cl', 0, 0],
      ['cl', 0, 1],
      ['out', 0, 0],
      ['cl', 0, 2],
    ])
    expect(c.ackedOffset('cl', 0)).toBe(3)
  })

  it('discard drops what was never sent', async () => {
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: false })
    c.sendRecord('out', rec('k', 'v'), sink())
    c.discard()
    await c.flush()
    expect(p.sent).toEqual([])
  })

  it('sendBuffered starts a send without waiting for flush', async () => {
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: false })
    c.sendRecord('out', rec('k', 'v'), sink())
    c.sendBuffered()
    await Promise.resolve()
    await Promise.resolve()
    expect(p.records('out')).toHaveLength(1)
    await c.flush()
  })

  it('starts a send before the previous one is acked when the producer keeps the order of sends, and flush waits for both', async () => {
    /** Holds every send's acks until released. */
    class HeldProducer extends FakeProducer {
      readonly keepsSendOrder: boolean
      readonly held: (() => void)[] = []
      constructor(keepsOrder: boolean) {
        super()
        this.keepsSendOrder = keepsOrder
      }
      override sendBatch(batches: readonly Batch[], transactional: boolean): Promise<ProducedAck[]> {
        const acks = super.sendBatch(batches, transactional)
        return new Promise((resolve) => this.held.push(() => resolve(acks)))
      }
    }
    const startedBeforeAck = async (keepsOrder: boolean) => {
      const p = new HeldProducer(keepsOrder)
      const c = new RecordCollectorImpl(p, { transactional: false })
      c.sendRecord('out', rec('a', '1'), sink())
      c.sendBuffered()
      c.sendRecord('out', rec('b', '2'), sink())
      c.sendBuffered()
      for (let i = 0; i < 5; i++) await Promise.resolve()
      const started = p.sent.length
      let flushed = false
      const flushing = c.flush().then(() => { flushed = true })
      while (p.held.length > 0 || p.sent.length < 2) {
        p.held.shift()?.()
        await new Promise((r) => setImmediate(r))
      }
      await flushing
      expect(flushed).toBe(true)
      expect(p.records('out').map((r) => r.key?.toString())).toEqual(['a', 'b'])
      return started
    }
    expect(await startedBeforeAck(true)).toBe(2)
    expect(await startedBeforeAck(false)).toBe(1)
  })

  it('asks the handler about a failed send only when the records may be at fault', async () => {
    const away = handler('CONTINUE', false)
    const p = new FakeProducer()
    p.failures.push(new Error('broker away'))
    const c = new RecordCollectorImpl(p, { transactional: false, errors: away.h })
    c.sendRecord('out', rec('k', 'v'), sink())
    await expect(c.flush()).rejects.toThrow('broker away')
    expect(away.calls).toEqual([])

    const fault = handler('CONTINUE')
    p.failures.push(new Error('record too large'))
    const c2 = new RecordCollectorImpl(p, { transactional: false, errors: fault.h })
    c2.sendRecord('out', rec('k', 'v'), sink())
    await c2.flush()
    expect(fault.calls.map((x) => [x.kind, x.topic, x.records!.length])).toEqual([['send', 'out', 1]])

    const failing = handler('FAIL')
    p.failures.push(new Error('record too large'))
    const c3 = new RecordCollectorImpl(p, { transactional: false, errors: failing.h })
    c3.sendRecord('out', rec('k', 'v'), sink())
    await expect(c3.flush()).rejects.toThrow('record too large')
  })

  it('under exactly-once opens the transaction on first send and never asks the handler about a failed send', async () => {
    const { h, calls } = handler('CONTINUE')
    const p = new FakeProducer()
    const c = new RecordCollectorImpl(p, { transactional: true, errors: h })
    c.sendRecord('out', rec('k', 'v'), sink())
    await c.flush()
    expect(p.transactions).toBe(1)
    p.failures.push(new Error('fenced'))
    c.sendRecord('out', rec('k', 'v'), sink())
    await expect(c.flush()).rejects.toThrow('fenced')
    expect(calls).toEqual([])
  })
})
