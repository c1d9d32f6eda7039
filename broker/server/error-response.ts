// A whole-request error response for any API, shaped after the request (per topic and
// partition where the API reports errors there). Used by fault injection.

type Message = Record<string, any>

type Build = (req: Message, code: number, version: number) => Message

const perPartition = (topicsField: string, partsField: string, nameOut: string, partsOut: string, indexIn: string, indexOut: string, extra: Message) =>
  (req: Message, code: number): Message => ({
    throttleTimeMs: 0,
    [topicsField === 'topicData' ? 'responses' : 'topics']: ((req[topicsField] as Message[]) ?? []).map((t) => ({
      [nameOut]: t.name ?? t.topic,
      [partsOut]: ((t[partsField] as Message[]) ?? []).map((p) => ({ [indexOut]: typeof p === 'number' ? p : p[indexIn], errorCode: code, ...extra })),
    })),
  })

const BUILDERS: Record<number, Build> = {
  0: perPartition('topicData', 'partitionData', 'name', 'partitionResponses', 'index', 'index', { baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null }),
  1: (req, code) => ({
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: (req.topics as Message[]).map((t) => ({
      topic: t.topic,
      partitions: (t.partitions as Message[]).map((p) => ({
        partitionIndex: p.partition, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1,
        abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0),
      })),
    })),
  }),
  2: perPartition('topics', 'partitions', 'name', 'partitions', 'partitionIndex', 'partitionIndex', { timestamp: -1, offset: -1, leaderEpoch: -1 }),
  3: (req, code) => ({
    throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1,
    topics: ((req.topics as Message[] | null) ?? []).map((t) => ({ errorCode: code, name: t.name, topicId: t.topicId, isInternal: false, partitions: [] })),
  }),
  8: perPartition('topics', 'partitions', 'name', 'partitions', 'partitionIndex', 'partitionIndex', {}),
  9: (req, code) => ({ throttleTimeMs: 0, errorCode: code, topics: [] }),
  10: (req, code, v) => v >= 4
    ? { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map((key) => ({ key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: null })) }
    : { throttleTimeMs: 0, errorCode: code, errorMessage: null, nodeId: -1, host: '', port: -1 },
  11: (req, code) => ({ errorCode: code, generationId: -1, protocolName: '', leader: '', memberId: req.memberId ?? '', members: [] }),
  13: (req, code) => ({ errorCode: code, members: ((req.members as Message[]) ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode: code })) }),
  14: (_req, code) => ({ errorCode: code, assignment: Buffer.alloc(0) }),
  15: (req, code) => ({ groups: (req.groups as string[]).map((groupId) => ({ errorCode: code, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })) }),
  19: (req, code) => ({ topics: (req.topics as Message[]).map((t) => ({ name: t.name, errorCode: code, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: [] })) }),
  20: (req, code, v) => ({
    responses: (v >= 6 ? (req.topics as Message[]).map((t) => t.name) : (req.topicNames as string[])).map((name) => ({ name, errorCode: code, errorMessage: null })),
  }),
  21: perPartition('topics', 'partitions', 'name', 'partitions', 'partitionIndex', 'partitionIndex', { lowWatermark: -1 }),
  24: (req, code) => ({
    resultsByTopicV3AndBelow: (req.v3AndBelowTopics as Message[]).map((t) => ({
      name: t.name, resultsByPartition: (t.partitions as number[]).map((p) => ({ partitionIndex: p, partitionErrorCode: code })),
    })),
  }),
  28: perPartition('topics', 'partitions', 'name', 'partitions', 'partitionIndex', 'partitionIndex', {}),
  32: (req, code) => ({ results: (req.resources as Message[]).map((r) => ({ errorCode: code, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })) }),
  33: (req, code) => ({ responses: (req.resources as Message[]).map((r) => ({ errorCode: code, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })) }),
  37: (req, code) => ({ results: (req.topics as Message[]).map((t) => ({ name: t.name, errorCode: code, errorMessage: null })) }),
  42: (req, code) => ({ results: (req.groupsNames as string[]).map((groupId) => ({ groupId, errorCode: code })) }),
}

/** APIs whose whole response is one top-level error code. */
const TOP_LEVEL = new Set([12, 16, 17, 18, 22, 25, 26])

export function errorResponse(apiKey: number, req: Message, code: number, version: number): Message {
  const build = BUILDERS[apiKey]
  if (build) return build(req, code, version)
  if (TOP_LEVEL.has(apiKey)) return { throttleTimeMs: 0, errorCode: code, producerId: -1, producerEpoch: -1, apiKeys: [], mechanisms: [], groups: [] }
  throw new Error(`no error response defined for API key ${apiKey}`)
}
