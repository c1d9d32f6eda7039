// The broker at Kafka 4.1's versions over TCP: the advertised ranges, topic ids (KIP-516),
// OffsetFetch for several groups (KIP-709), leader epoch checks (KIP-320), DescribeGroups v6,
// ListGroups v5, ListOffsets v8/v9 special timestamps.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../protocol/index.js'
import { LogManager } from '../../../broker/log/index.js'
import {
  ApiVersions, DeleteTopics, DescribeGroups, Fetch, ListGroups, ListOffsets, Metadata, OffsetCommit, OffsetFetch, Produce,
} from './raw-client.js'
import { Harness, batch } from './kafka41-helpers.js'

const h = new Harness()
beforeAll(() => h.start())
afterAll(() => h.stop())

const fetchPartition = (partition: number, fetchOffset: number, currentLeaderEpoch = -1) =>
  ({ partition, currentLeaderEpoch, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 })
const fetchBody = (topics: object[]) =>
  ({ replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics, forgottenTopicsData: [], rackId: '' })

describe('Kafka 4.1 versions', () => {
  it('advertises Kafka 4.1\'s stable ranges', async () => {
    const c = await h.raw()
    const r = await c.request(ApiVersions, 4, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
    const range = (key: number) => {
      const k = r.body.apiKeys.find((x: { apiKey: number }) => x.apiKey === key)
      return `${k.minVersion}-${k.maxVersion}`
    }
    expect({ produce: range(0), fetch: range(1), listOffsets: range(2), metadata: range(3), offsetCommit: range(8), offsetFetch: range(9), findCoordinator: range(10), describeGroups: range(15), listGroups: range(16), apiVersions: range(18), initProducerId: range(22), endTxn: range(26), txnOffsetCommit: range(28) })
      .toEqual({ produce: '3-13', fetch: '4-18', listOffsets: '1-10', metadata: '0-13', offsetCommit: '2-9', offsetFetch: '1-9', findCoordinator: '0-6', describeGroups: '0-6', listGroups: '0-5', apiVersions: '0-4', initProducerId: '0-5', endTxn: '0-5', txnOffsetCommit: '0-5' })
  })
})

describe('topic ids (KIP-516)', () => {
  it('CreateTopics, Metadata and Fetch agree on a topic\'s id; Metadata and Fetch find the topic by it', async () => {
    const c = await h.raw()
    const id = await h.createTopic(c, 'ids-a', 2)
    expect(id.equals(Buffer.alloc(16))).toBe(false)
    await h.produce(c, 'ids-a', 1, 'v')
    const byName = await c.request(Metadata, 12, { topics: [{ name: 'ids-a' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(byName.body.topics[0].topicId).toEqual(id)
    const byId = await c.request(Metadata, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(byId.body.topics[0]).toMatchObject({ errorCode: 0, name: 'ids-a', topicId: id })
    const f = await c.request(Fetch, 13, fetchBody([{ topicId: id, partitions: [fetchPartition(1, 0)] }]))
    expect(f.body.responses[0].topicId).toEqual(id)
    expect(f.body.responses[0].partitions[0]).toMatchObject({ partitionIndex: 1, errorCode: 0, highWatermark: 1 })
    expect(f.body.responses[0].partitions[0].records.length).toBeGreaterThan(0)
  })

  it('an unknown id is UNKNOWN_TOPIC_ID in Metadata, Fetch and Produce', async () => {
    const c = await h.raw()
    const unknown = Buffer.alloc(16, 7)
    const m = await c.request(Metadata, 12, { topics: [{ topicId: unknown, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(m.body.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
    const f = await c.request(Fetch, 13, fetchBody([{ topicId: unknown, partitions: [fetchPartition(0, 0)] }]))
    expect(f.body.responses[0]).toMatchObject({ topicId: unknown, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] })
    const p = await c.request(Produce, 13, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ topicId: unknown, partitionData: [{ index: 0, records: await batch('x') }] }] })
    expect(p.body.responses[0]).toMatchObject({ topicId: unknown, partitionResponses: [{ index: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] })
  })

  it('Produce v13 writes by topic id', async () => {
    const c = await h.raw()
    const id = await h.createTopic(c, 'ids-produce', 1)
    const p = await c.request(Produce, 13, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ topicId: id, partitionData: [{ index: 0, records: await batch('x') }] }] })
    expect(p.body.responses[0]).toMatchObject({ topicId: id, partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0 }] })
    const f = await c.request(Fetch, 18, fetchBody([{ topicId: id, partitions: [fetchPartition(0, 0)] }]))
    expect(f.body.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 1 })
  })

  it('a topic deleted and created again gets a new id; the old id is unknown', async () => {
    const c = await h.raw()
    const first = await h.createTopic(c, 'ids-again', 1)
    const d = await c.request(DeleteTopics, 6, { topics: [{ name: null, topicId: first }], timeoutMs: 1000 })
    expect(d.body.responses[0]).toMatchObject({ name: 'ids-again', topicId: first, errorCode: 0 })
    const second = await h.createTopic(c, 'ids-again', 1)
    expect(second.equals(first)).toBe(false)
    const f = await c.request(Fetch, 13, fetchBody([{ topicId: first, partitions: [fetchPartition(0, 0)] }]))
    expect(f.body.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })

  it('a topic keeps its id across a restart of the log manager', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topic-ids-'))
    try {
      const a = new LogManager({ dataDir: dir })
      await a.open()
      expect(a.createTopic('kept', 1, {})).toBe(0)
      const id = a.topicId('kept')!
      await a.close()
      const b = new LogManager({ dataDir: dir })
      await b.open()
      expect(b.topicId('kept')).toEqual(id)
      expect(b.topicName(id)).toBe('kept')
      await b.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('OffsetFetch v8+ (several groups per request)', () => {
  it('answers each group with its own committed offsets; null topics ask for all of a group\'s', async () => {
    const c = await h.raw()
    await h.createTopic(c, 'of-groups', 2)
    const commit = (group: string, partition: number, offset: number) => c.request(OffsetCommit, 9, {
      groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'of-groups', partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
    })
    expect((await commit('g-one', 0, 5)).body.topics[0].partitions[0].errorCode).toBe(0)
    expect((await commit('g-two', 1, 9)).body.topics[0].partitions[0].errorCode).toBe(0)
    const r = await c.request(OffsetFetch, 8, {
      groups: [
        { groupId: 'g-one', topics: [{ name: 'of-groups', partitionIndexes: [0, 1] }] },
        { groupId: 'g-two', topics: null },
        { groupId: 'g-none', topics: null },
      ],
      requireStable: false,
    })
    expect(r.body.groups).toEqual([
      { groupId: 'g-one', errorCode: 0, topics: [{ name: 'of-groups', partitions: [
        { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 },
        { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
      ] }] },
      { groupId: 'g-two', errorCode: 0, topics: [{ name: 'of-groups', partitions: [{ partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 }] }] },
      { groupId: 'g-none', errorCode: 0, topics: [] },
    ])
  })
})

describe('leader epochs (KIP-320)', () => {
  it('a current leader epoch newer than the partition\'s is UNKNOWN_LEADER_EPOCH in Fetch and ListOffsets; its own epoch (0) passes', async () => {
    const c = await h.raw()
    await h.createTopic(c, 'epochs', 1)
    const newer = await c.request(Fetch, 12, fetchBody([{ topic: 'epochs', partitions: [fetchPartition(0, 0, 3)] }]))
    expect(newer.body.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    const same = await c.request(Fetch, 12, fetchBody([{ topic: 'epochs', partitions: [fetchPartition(0, 0, 0)] }]))
    expect(same.body.responses[0].partitions[0].errorCode).toBe(0)
    const list = await c.request(ListOffsets, 10, {
      replicaId: -1, isolationLevel: 0, timeoutMs: 1000,
      topics: [{ name: 'epochs', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 2, timestamp: -1 }] }],
    })
    expect(list.body.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    const meta = await c.request(Metadata, 13, { topics: [{ name: 'epochs' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    expect(meta.body.errorCode).toBe(0)
    expect(meta.body.topics[0].partitions[0].leaderEpoch).toBe(0)
  })
})

describe('ListOffsets v8/v9 special timestamps', () => {
  it('earliest-local (-4) is the log start offset, latest-tiered (-5) is -1 without tiered storage', async () => {
    const c = await h.raw()
    await h.createTopic(c, 'lo-special', 1)
    await h.produce(c, 'lo-special', 0, 'a')
    await h.produce(c, 'lo-special', 0, 'b')
    const r = await c.request(ListOffsets, 9, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: 'lo-special', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -4 }, { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -5 }] }],
    })
    expect(r.body.topics[0].partitions.map((p: { offset: number; leaderEpoch: number }) => [p.offset, p.leaderEpoch])).toEqual([[0, 0], [-1, -1]])
  })
})

describe('groups at Kafka 4.1 versions', () => {
  it('DescribeGroups v6 answers GROUP_ID_NOT_FOUND for a group that does not exist (v5: a Dead group)', async () => {
    const c = await h.raw()
    const v6 = await c.request(DescribeGroups, 6, { groups: ['no-such-group'], includeAuthorizedOperations: false })
    expect(v6.body.groups[0]).toMatchObject({ groupId: 'no-such-group', errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group no-such-group not found.' })
    const v5 = await c.request(DescribeGroups, 5, { groups: ['no-such-group'], includeAuthorizedOperations: false })
    expect(v5.body.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Dead' })
  })

  it('ListGroups v5 filters by group type and reports every group as classic', async () => {
    const c = await h.raw()
    await h.createTopic(c, 'lg-types', 1)
    await c.request(OffsetCommit, 9, {
      groupId: 'lg-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'lg-types', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
    })
    const classic = await c.request(ListGroups, 5, { statesFilter: [], typesFilter: ['Classic'] })
    expect(classic.body.groups).toContainEqual({ groupId: 'lg-group', protocolType: '', groupState: 'Empty', groupType: 'classic' })
    const consumer = await c.request(ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })
    expect(consumer.body.groups).toEqual([])
  })
})
