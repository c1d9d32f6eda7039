import { mkdtempSync, mkdirSync, rmSync, appendFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogManager } from '../../../broker/log/log-manager.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { batch, readable } from './log-test-batches.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kstreams-log-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const kv = (pairs: [string, string | null][]) => pairs.map(([key, value]) => ({ key, value, timestamp: 1000 }))

describe('LogManager persistence', () => {
  it('reloads topics, configs, records, logStartOffset and log end after a restart', async () => {
    const dataDir = tempDir()
    const a = new LogManager({ dataDir })
    await a.open()
    expect(a.createTopic('orders', 2, { 'retention.ms': '-1' })).toBe(0)
    const p1 = a.partition('orders', 1)!
    p1.append(await batch({ records: kv([['x', '1'], ['y', '2']]) }), 1)
    p1.append(await batch({ records: kv([['z', '3']]) }), 1)
    p1.deleteRecordsBefore(1)
    await a.close()

    const b = new LogManager({ dataDir })
    await b.open()
    expect(b.topics()).toEqual([{ name: 'orders', partitions: 2, configs: { 'retention.ms': '-1' } }])
    const q1 = b.partition('orders', 1)!
    expect(q1.logStartOffset).toBe(1)
    expect(q1.logEndOffset).toBe(3)
    expect(await readable(q1.read(1, 1 << 20, 0).records)).toEqual([[0, 'x', '1'], [1, 'y', '2'], [2, 'z', '3']])
    expect(q1.append(await batch({ records: kv([['w', '4']]) }), 1).baseOffset).toBe(3)
    await b.close()
  })

  it('rebuilds producer state, open transactions and the aborted index from the log', async () => {
    const dataDir = tempDir()
    const a = new LogManager({ dataDir })
    await a.open()
    a.createTopic('t', 1, {})
    const p = a.partition('t', 0)!
    p.append(await batch({ records: kv([['a', '1']]), producerId: 7, firstSequence: 0 }), 1) // 0
    p.append(await batch({ records: kv([['b', '1']]), producerId: 8, transactional: true }), 1) // 1
    p.writeMarker(8n, 0, false, 0, 2) // 2
    p.append(await batch({ records: kv([['c', '1']]), producerId: 9, transactional: true }), 1) // 3
    await a.close()

    const b = new LogManager({ dataDir })
    await b.open()
    const q = b.partition('t', 0)!
    expect(q.lastStableOffset).toBe(3)
    expect(q.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: 8n, firstOffset: 1n }])
    const dup = q.append(await batch({ records: kv([['a', '1']]), producerId: 7, firstSequence: 0 }), 1)
    expect(dup).toMatchObject({ errorCode: 0, baseOffset: 0 })
    expect(q.openTransactions()).toEqual([{ producerId: 9n, epoch: 0 }])
    await b.close()
  })

  it('starts a created topic empty, ignoring partition files left by an earlier topic of that name', async () => {
    const dataDir = tempDir()
    mkdirSync(join(dataDir, 't-0'), { recursive: true })
    writeFileSync(join(dataDir, 't-0', 'log'), await batch({ records: kv([['stale', '1']]) }))
    const m = new LogManager({ dataDir })
    await m.open()
    expect(m.createTopic('t', 1, {})).toBe(0)
    expect(m.partition('t', 0)!.logEndOffset).toBe(0)
    await m.close()
  })

  it('drops a torn batch at the end of the file left by an interrupted write', async () => {
    const dataDir = tempDir()
    const a = new LogManager({ dataDir })
    await a.open()
    a.createTopic('t', 1, {})
    a.partition('t', 0)!.append(await batch({ records: kv([['a', '1']]) }), 1)
    await a.close()
    const file = join(dataDir, 't-0', 'log')
    const size = statSync(file).size
    appendFileSync(file, (await batch({ records: kv([['b', '2']]) })).subarray(0, 30))

    const b = new LogManager({ dataDir })
    await b.open()
    expect(b.partition('t', 0)!.logEndOffset).toBe(1)
    expect(statSync(file).size).toBe(size)
    expect(b.partition('t', 0)!.append(await batch({ records: kv([['c', '3']]) }), 1).baseOffset).toBe(1)
    await b.close()
  })

  it('after a crash (no close) with a torn last batch: the tail is cut, open transactions stay unstable, aborted ones stay indexed', async () => {
    const dataDir = tempDir()
    const a = new LogManager({ dataDir })
    await a.open()
    a.createTopic('t', 1, {})
    const p = a.partition('t', 0)!
    p.append(await batch({ records: kv([['a', '1']]), producerId: 8, transactional: true }), 1) // 0
    p.writeMarker(8n, 0, false, 0, 2) // 1
    p.append(await batch({ records: kv([['b', '1'], ['c', '2']]), producerId: 9, transactional: true }), 1) // 2-3
    p.append(await batch({ records: kv([['d', '1']]), producerId: 10, firstSequence: 0 }), 1) // 4
    const file = join(dataDir, 't-0', 'log')
    const intact = statSync(file).size
    // The process dies in the middle of writing the next batch: only a prefix reached the file.
    appendFileSync(file, (await batch({ records: kv([['e', '1']]), producerId: 9, transactional: true, firstSequence: 2 })).subarray(0, 40))

    const b = new LogManager({ dataDir }) // a was never closed: meta.json was not rewritten
    await b.open()
    const q = b.partition('t', 0)!
    expect(statSync(file).size).toBe(intact)
    expect([q.logEndOffset, q.lastStableOffset]).toEqual([5, 2])
    expect(q.read(0, 1 << 20, 1).abortedTransactions).toEqual([{ producerId: 8n, firstOffset: 0n }])
    expect(await readable(q.read(0, 1 << 20, 1).records)).toEqual([[0, 'a', '1']]) // stops at the LSO
    expect(q.hasOpenTransaction(9n)).toBe(true)
    // The idempotent producer's retry of its acknowledged batch is a duplicate, not a second copy.
    expect(q.append(await batch({ records: kv([['d', '1']]), producerId: 10, firstSequence: 0 }), 1)).toMatchObject({ errorCode: 0, baseOffset: 4 })
    q.writeMarker(9n, 0, true, 0, 3)
    expect([q.logEndOffset, q.lastStableOffset]).toEqual([6, 6])
    await b.close()
  })

  it('persists compaction results and retention, keeping offsets', async () => {
    const dataDir = tempDir()
    const a = new LogManager({ dataDir })
    await a.open()
    a.createTopic('c', 1, { 'cleanup.policy': 'compact', 'segment.bytes': '1' })
    const p = a.partition('c', 0)!
    p.append(await batch({ records: kv([['k', '1'], ['j', '1']]) }), 1)
    p.append(await batch({ records: kv([['k', '2']]) }), 1)
    p.append(await batch({ records: kv([['x', '1']]) }), 1) // rolls the segment holding k@2
    a.tick(5000)
    await a.close()
    const b = new LogManager({ dataDir })
    await b.open()
    expect(await readable(b.partition('c', 0)!.read(0, 1 << 20, 0).records)).toEqual([[1, 'j', '1'], [2, 'k', '2'], [3, 'x', '1']])
    expect(b.partition('c', 0)!.logEndOffset).toBe(4)
    await b.close()
  })
})

describe('LogManager topics', () => {
  it('creates, grows, reconfigures and deletes topics with Kafka error codes', async () => {
    const m = new LogManager({})
    await m.open()
    expect(m.createTopic('a', 3, {})).toBe(0)
    expect(m.createTopic('a', 3, {})).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)
    expect(m.createTopic('bad name', 1, {})).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
    expect(m.createTopic('b', 0, {})).toBe(ErrorCode.INVALID_PARTITIONS)
    expect(m.createTopic('b', 1, { 'cleanup.policy': 'shred' })).toBe(ErrorCode.INVALID_CONFIG)
    expect(m.lastError).toMatch(/cleanup.policy/)
    expect(m.createTopic('b', 1, { 'no.such.config': '1' })).toBe(ErrorCode.INVALID_CONFIG)
    expect(m.hasTopic('b')).toBe(false)
    expect(m.addPartitions('a', 2)).toBe(ErrorCode.INVALID_PARTITIONS)
    expect(m.addPartitions('a', 5)).toBe(0)
    expect(m.partition('a', 4)).toBeDefined()
    expect(m.partition('a', 5)).toBeUndefined()
    expect(m.alterConfigs('a', { 'message.timestamp.type': 'LogAppendTime' })).toBe(0)
    const r = m.partition('a', 0)!.append(await batch({ records: kv([['k', 'v']]) }), 4242)
    expect(r.logAppendTime).toBe(4242)
    expect(m.deleteTopic('a')).toBe(0)
    expect(m.deleteTopic('a')).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(m.partition('a', 0)).toBeUndefined()
  })

  it('applies retention every retentionCheckIntervalMs, not on every tick', async () => {
    const m = new LogManager({ retentionCheckIntervalMs: 1000 })
    await m.open()
    m.createTopic('r', 1, { 'retention.ms': '10' })
    m.partition('r', 0)!.append(await batch({ records: kv([['old', '1']]) }), 1) // timestamp 1000
    m.tick(50_000) // starts the interval
    m.tick(50_500)
    expect(m.partition('r', 0)!.logStartOffset).toBe(0)
    m.tick(51_000)
    expect(m.partition('r', 0)!.logStartOffset).toBe(1)
  })

  it("emits 'append' for records and markers so waiting fetches wake", async () => {
    const m = new LogManager({})
    await m.open()
    m.createTopic('t', 1, {})
    const seen: [string, number][] = []
    m.on('append', (topic: string, partition: number) => seen.push([topic, partition]))
    m.partition('t', 0)!.append(await batch({ records: kv([['k', 'v']]), producerId: 1, transactional: true }), 1)
    m.partition('t', 0)!.writeMarker(1n, 0, true, 0, 2)
    expect(seen).toEqual([['t', 0], ['t', 0]])
  })
})
