// The generated codecs against kafkajs 2.2.4's own encoders and decoders (the client the broker
// has always been tested with): requests kafkajs writes decode to the expected fields, and
// responses encoded here decode in kafkajs.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  APIS, ProtocolDecodeError, decodeMessage, encodeMessage, encodeRequest, decodeRequest, encodeResponse, decodeResponse, type ApiInfo,
} from '../../../protocol/index.js'

const require = createRequire(import.meta.url)
const kafkajsRequest = (api: string, version: number) => require(`kafkajs/src/protocol/requests/${api}/v${version}/request`)
const kafkajsResponse = (api: string, version: number) => require(`kafkajs/src/protocol/requests/${api}/v${version}/response`)

const api = (name: string): ApiInfo => APIS.find((a) => a.name === name)!
const [Produce, Fetch, Metadata, JoinGroup, OffsetCommit, CreateTopics, ListOffsets, SyncGroup, TxnOffsetCommit, DescribeConfigs] =
  ['Produce', 'Fetch', 'Metadata', 'JoinGroup', 'OffsetCommit', 'CreateTopics', 'ListOffsets', 'SyncGroup', 'TxnOffsetCommit', 'DescribeConfigs'].map(api) as ApiInfo[]
const decodeReq = (body: Buffer, a: ApiInfo, v: number): Record<string, any> => decodeMessage(a.request, body, v)
const encodeResp = (a: ApiInfo, v: number, body: object): Buffer => encodeMessage(a.response, body, v)

describe('frames', () => {
  it('treats absent arrays as empty and keeps explicit nulls', () => {
    const frame = encodeResponse(Metadata!.key, 1, { correlationId: 1 }, { controllerId: 3 })
    expect(decodeResponse(Metadata!.key, 1, frame).body).toEqual({ brokers: [], controllerId: 3, topics: [] })
    const req = decodeRequest(encodeRequest({ requestApiKey: Metadata!.key, requestApiVersion: 9, correlationId: 1, clientId: null }, { topics: null })).body
    expect(req.topics).toBeNull()
  })

  it('ApiVersions answers with header v0 even at flexible versions', () => {
    const out = encodeResponse(18, 3, { correlationId: 5 }, { errorCode: 0, apiKeys: [] })
    // correlation id, then straight into the body: error code 0, compact array of 0
    expect(out.readInt32BE(0)).toBe(5)
    expect(out.readInt16BE(4)).toBe(0)
  })

  it('skips unknown tagged fields and reads known ones', () => {
    const resp = { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: null }] }] }
    const back = decodeResponse(Fetch!.key, 12, encodeResponse(Fetch!.key, 12, { correlationId: 1 }, resp)).body as Record<string, any>
    expect(back.responses[0].partitions[0].currentLeader).toEqual({ leaderId: 1, leaderEpoch: 2 })
  })

  it('rejects truncated frames and absurd array lengths', () => {
    const frame = encodeRequest({ requestApiKey: JoinGroup!.key, requestApiVersion: 5, correlationId: 1, clientId: 'c' }, { groupId: 'g', protocols: [] })
    expect(() => decodeRequest(frame.subarray(0, frame.length - 3))).toThrow(/truncated/)
    const bad = Buffer.from(frame)
    bad.writeInt32BE(0x7ffffff0, bad.length - 4) // protocols array length
    expect(() => decodeRequest(bad)).toThrow(ProtocolDecodeError)
  })
})

async function kafkajsBody(api: string, version: number, args: unknown): Promise<Buffer> {
  const encoder = await kafkajsRequest(api, version)(args).encode()
  return encoder.buffer as Buffer
}

describe('generated codecs against kafkajs encoders', () => {
  it('decodes a kafkajs Produce v7 request with its record batch bytes intact', async () => {
    const body = await kafkajsBody('produce', 7, {
      acks: -1, timeout: 30000, transactionalId: 'tx', producerId: 5, producerEpoch: 1,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, firstSequence: 0, messages: [{ key: 'k', value: 'v', timestamp: 1000 }] }] }],
    })
    const req = decodeReq(body, Produce!, 7)
    expect(req.transactionalId).toBe('tx')
    expect(req.acks).toBe(-1)
    expect(req.topicData[0].name).toBe('orders')
    const part = req.topicData[0].partitionData[0]
    expect(part.index).toBe(2)
    const records: Buffer = part.records
    expect(records.readInt32BE(8)).toBe(records.length - 12) // batch length
    expect(records[16]).toBe(2) // magic
  })

  it('decodes kafkajs Fetch v11, JoinGroup v5, OffsetCommit v5, CreateTopics v3, ListOffsets v3, SyncGroup v3, TxnOffsetCommit v1, DescribeConfigs v2', async () => {
    const fetch = decodeReq(await kafkajsBody('fetch', 11, {
      replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 1000, isolationLevel: 1,
      topics: [{ topic: 'a', partitions: [{ partition: 0, fetchOffset: '12', maxBytes: 100 }] }],
    }), Fetch!, 11)
    expect(fetch).toMatchObject({ maxWaitMs: 500, minBytes: 1, maxBytes: 1000, isolationLevel: 1, rackId: '' })
    expect(fetch.topics[0].partitions[0]).toMatchObject({ partition: 0, fetchOffset: 12, partitionMaxBytes: 100 })

    const join = decodeReq(await kafkajsBody('joinGroup', 5, {
      groupId: 'g', sessionTimeout: 10000, rebalanceTimeout: 20000, memberId: '', protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobin', metadata: Buffer.from([1, 2, 3]) }],
    }), JoinGroup!, 5)
    expect(join).toMatchObject({ groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 20000, memberId: '', groupInstanceId: null, protocolType: 'consumer' })
    expect(join.protocols[0].metadata).toEqual(Buffer.from([1, 2, 3]))

    const commit = decodeReq(await kafkajsBody('offsetCommit', 5, {
      groupId: 'g', groupGenerationId: 3, memberId: 'm', topics: [{ topic: 't', partitions: [{ partition: 1, offset: '99' }] }],
    }), OffsetCommit!, 5)
    expect(commit).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 3, memberId: 'm' })
    expect(commit.topics[0].partitions[0]).toMatchObject({ partitionIndex: 1, committedOffset: 99 })

    const create = decodeReq(await kafkajsBody('createTopics', 3, {
      topics: [{ topic: 'x', numPartitions: 4, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      validateOnly: true, timeout: 1000,
    }), CreateTopics!, 3)
    expect(create).toMatchObject({ timeoutMs: 1000, validateOnly: true })
    expect(create.topics[0]).toMatchObject({ name: 'x', numPartitions: 4, configs: [{ name: 'cleanup.policy', value: 'compact' }] })

    const list = decodeReq(await kafkajsBody('listOffsets', 3, {
      replicaId: -1, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
    }), ListOffsets!, 3)
    expect(list.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, timestamp: -2 })

    const sync = decodeReq(await kafkajsBody('syncGroup', 3, {
      groupId: 'g', generationId: 2, memberId: 'm', groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from('a') }],
    }), SyncGroup!, 3)
    expect(sync.assignments).toEqual([{ memberId: 'm', assignment: Buffer.from('a') }])

    const txn = decodeReq(await kafkajsBody('txnOffsetCommit', 1, {
      transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 2,
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }],
    }), TxnOffsetCommit!, 1)
    expect(txn).toMatchObject({ transactionalId: 'tx', groupId: 'g', producerId: 7, producerEpoch: 2 })
    expect(txn.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 5 })

    const describe = decodeReq(await kafkajsBody('describeConfigs', 2, {
      resources: [{ type: 2, name: 't', configNames: ['retention.ms'] }], includeSynonyms: false,
    }), DescribeConfigs!, 2)
    expect(describe.resources[0]).toEqual({ resourceType: 2, resourceName: 't', configurationKeys: ['retention.ms'] })
  })

  it('encodes responses kafkajs decodes: Metadata v6, Fetch v11, Produce v7, JoinGroup v5', async () => {
    const meta = await kafkajsResponse('metadata', 6).decode(encodeResp(Metadata!, 6, {
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: 9092, rack: null }], clusterId: 'c', controllerId: 0,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ partitionIndex: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }] }],
    }))
    expect(meta.brokers[0]).toMatchObject({ nodeId: 0, host: '127.0.0.1', port: 9092 })
    expect(meta.topicMetadata[0]).toMatchObject({ topic: 't', partitionMetadata: [{ partitionId: 0, leader: 0 }] })

    const produceReq = kafkajsRequest('produce', 3)({
      acks: 1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'hello', timestamp: 5 }] }] }],
    })
    const records = decodeReq((await produceReq.encode()).buffer, Produce!, 3).topicData[0].partitionData[0].records
    const fetched = await kafkajsResponse('fetch', 11).decode(encodeResp(Fetch!, 11, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records }] }],
    }))
    const messages = fetched.responses[0].partitions[0].messages
    expect(messages).toHaveLength(1)
    expect(messages[0].value.toString()).toBe('hello')
    expect(messages[0].key.toString()).toBe('k')

    const produced = await kafkajsResponse('produce', 7).decode(encodeResp(Produce!, 7, {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 0 }] }],
    }))
    expect(produced.topics[0].partitions[0]).toMatchObject({ partition: 0, errorCode: 0, baseOffset: '41' })

    const joined = await kafkajsResponse('joinGroup', 5).decode(encodeResp(JoinGroup!, 5, {
      errorCode: 0, generationId: 3, protocolName: 'RoundRobin', leader: 'm1', memberId: 'm1',
      members: [{ memberId: 'm1', groupInstanceId: null, metadata: Buffer.from([9]) }],
    }))
    expect(joined).toMatchObject({ generationId: 3, groupProtocol: 'RoundRobin', leaderId: 'm1', memberId: 'm1' })
    expect(joined.members[0].memberMetadata).toEqual(Buffer.from([9]))
  })
})
