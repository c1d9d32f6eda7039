// Fetch sessions (KIP-227) over TCP: full fetches that open a session, incremental fetches that
// answer only partitions with news, forgotten partitions, and the session errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../protocol/index.js'
import { Fetch, type RawClient } from './raw-client.js'
import { Harness } from './kafka41-helpers.js'
import { FetchSessions } from '../../../broker/server/fetch-sessions.js'

const h = new Harness()
beforeAll(() => h.start())
afterAll(() => h.stop())

interface Part { partition: number; offset: number }

function fetchBody(sessionId: number, sessionEpoch: number, topic: string, parts: Part[], opts: { forget?: number[]; maxWaitMs?: number; topicId?: Buffer } = {}) {
  return {
    replicaId: -1, maxWaitMs: opts.maxWaitMs ?? 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
    topics: parts.length === 0 ? [] : [{
      topic, topicId: opts.topicId,
      partitions: parts.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 })),
    }],
    forgottenTopicsData: opts.forget ? [{ topic, topicId: opts.topicId, partitions: opts.forget }] : [],
    rackId: '',
  }
}

/** partition -> number of record bytes, for the partitions a response mentions. */
function answered(body: Record<string, any>): Map<number, number> {
  const out = new Map<number, number>()
  for (const t of body.responses) for (const p of t.partitions) out.set(p.partitionIndex, p.records?.length ?? 0)
  return out
}

async function setup(name: string): Promise<RawClient> {
  const c = await h.raw()
  await h.createTopic(c, name, 3)
  await h.produce(c, name, 0, 'a')
  return c
}

describe('fetch sessions', () => {
  it('a full fetch at epoch 0 opens a session and answers every partition; epoch -1 does not', async () => {
    const c = await setup('fs-open')
    const all = [0, 1, 2].map((partition) => ({ partition, offset: 0 }))
    const sessionless = await c.request(Fetch, 12, fetchBody(0, -1, 'fs-open', all))
    expect(sessionless.body.sessionId).toBe(0)
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-open', all))
    expect(full.body.errorCode).toBe(0)
    expect(full.body.sessionId).toBeGreaterThan(0)
    expect([...answered(full.body).keys()]).toEqual([0, 1, 2])
    expect(answered(full.body).get(0)).toBeGreaterThan(0)
  })

  it('an incremental fetch answers only the partitions with news and keeps the others in the session', async () => {
    const c = await setup('fs-incr')
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-incr', [0, 1, 2].map((partition) => ({ partition, offset: 0 }))))
    const id = full.body.sessionId
    // Partition 0 moves on to offset 1 (the client names only what changed); nothing new anywhere.
    const quiet = await c.request(Fetch, 12, fetchBody(id, 1, 'fs-incr', [{ partition: 0, offset: 1 }]))
    expect(quiet.body.sessionId).toBe(id)
    expect(answered(quiet.body).size).toBe(0)
    // A record on partition 2 only: the next incremental fetch names no partition and gets partition 2.
    await h.produce(c, 'fs-incr', 2, 'b')
    const news = await c.request(Fetch, 12, fetchBody(id, 2, 'fs-incr', []))
    expect([...answered(news.body).entries()]).toEqual([[2, expect.any(Number)]])
    expect(answered(news.body).get(2)).toBeGreaterThan(0)
    expect(news.body.responses[0].partitions[0].highWatermark).toBe(1)
  })

  it('forgotten partitions leave the session', async () => {
    const c = await setup('fs-forget')
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-forget', [0, 1].map((partition) => ({ partition, offset: 0 }))))
    const id = full.body.sessionId
    await c.request(Fetch, 12, fetchBody(id, 1, 'fs-forget', [{ partition: 0, offset: 1 }], { forget: [1] }))
    await h.produce(c, 'fs-forget', 1, 'x')
    await h.produce(c, 'fs-forget', 0, 'y')
    const after = await c.request(Fetch, 12, fetchBody(id, 2, 'fs-forget', []))
    expect([...answered(after.body).keys()]).toEqual([0])
  })

  it('a wrong epoch is INVALID_FETCH_SESSION_EPOCH and an unknown id FETCH_SESSION_ID_NOT_FOUND', async () => {
    const c = await setup('fs-errors')
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-errors', [{ partition: 0, offset: 0 }]))
    const id = full.body.sessionId
    const stale = await c.request(Fetch, 12, fetchBody(id, 5, 'fs-errors', []))
    expect(stale.body).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] })
    const unknown = await c.request(Fetch, 12, fetchBody(id + 1 === 0x7fffffff ? 1 : id + 1, 1, 'fs-errors', []))
    expect(unknown.body.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    // The refused requests did not move the session on: epoch 1 is still the next one.
    const ok = await c.request(Fetch, 12, fetchBody(id, 1, 'fs-errors', []))
    expect(ok.body).toMatchObject({ errorCode: 0, sessionId: id })
  })

  it('a full fetch naming a session at epoch -1 closes it', async () => {
    const c = await setup('fs-close')
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-close', [{ partition: 0, offset: 0 }]))
    const id = full.body.sessionId
    const closing = await c.request(Fetch, 12, fetchBody(id, -1, 'fs-close', [{ partition: 0, offset: 0 }]))
    expect(closing.body.sessionId).toBe(0)
    const gone = await c.request(Fetch, 12, fetchBody(id, 1, 'fs-close', []))
    expect(gone.body.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  })

  it('a session opened with topic ids (v13+) refuses an incremental fetch by name', async () => {
    const c = await h.raw()
    const topicId = await h.createTopic(c, 'fs-ids', 1)
    await h.produce(c, 'fs-ids', 0, 'a')
    const full = await c.request(Fetch, 13, fetchBody(0, 0, '', [{ partition: 0, offset: 0 }], { topicId }))
    expect(full.body.responses[0].topicId).toEqual(topicId)
    const byName = await c.request(Fetch, 12, fetchBody(full.body.sessionId, 1, 'fs-ids', []))
    expect(byName.body.errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
  })

  it('an incremental fetch with nothing new waits for a record on any session partition', async () => {
    const c = await setup('fs-wait')
    const other = await h.raw()
    const full = await c.request(Fetch, 12, fetchBody(0, 0, 'fs-wait', [0, 1].map((partition) => ({ partition, offset: 0 }))))
    const id = full.body.sessionId
    await c.request(Fetch, 12, fetchBody(id, 1, 'fs-wait', [{ partition: 0, offset: 1 }]))
    const waiting = c.request(Fetch, 12, fetchBody(id, 2, 'fs-wait', [], { maxWaitMs: 30_000 }), 40_000)
    await h.produce(other, 'fs-wait', 1, 'late')
    const r = await waiting
    expect([...answered(r.body).keys()]).toEqual([1])
  })
})

describe('the session cache', () => {
  it('keeps 1000 sessions and evicts the least recently used one', () => {
    const cache = new FetchSessions()
    const first = cache.create(0, false)
    const second = cache.create(0, false)
    for (let i = 0; i < 998; i++) cache.create(0, false)
    expect(cache.size).toBe(1000)
    cache.get(first.id, 1) // used again: the second session is now the oldest
    cache.create(2, false)
    expect(cache.size).toBe(1000)
    expect(cache.get(first.id, 3)).toBe(first)
    expect(cache.get(second.id, 3)).toBeUndefined()
  })
})
