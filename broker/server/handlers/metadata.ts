import { ErrorCode } from '../../../protocol/errors.js'
import type { MetadataRequest, MetadataResponse, MetadataResponsePartition, MetadataResponseTopic } from '../../../protocol/messages/metadata.js'
import type { BrokerContext, Handler } from '../context.js'
import { validateTopicName } from '../../log/topic-config.js'

const UNKNOWN_AUTHORIZED = -2147483648

function describeTopic(broker: BrokerContext, name: string, partitions: number): MetadataResponseTopic {
  const parts: MetadataResponsePartition[] = []
  for (let i = 0; i < partitions; i++) {
    parts.push({
      errorCode: 0, partitionIndex: i, leaderId: broker.nodeId, leaderEpoch: 0,
      replicaNodes: [broker.nodeId], isrNodes: [broker.nodeId], offlineReplicas: [],
    })
  }
  return { errorCode: 0, name, topicId: broker.logs.topicId(name), isInternal: false, partitions: parts, topicAuthorizedOperations: UNKNOWN_AUTHORIZED }
}

function missing(name: string | null, errorCode: number, id?: Buffer): MetadataResponseTopic {
  return { errorCode, name, topicId: id, isInternal: false, partitions: [], topicAuthorizedOperations: UNKNOWN_AUTHORIZED }
}

// This broker is the leader and only replica of every partition. Requested topics that do not
// exist are created when auto-creation is on and the client allows it (Kafka's behaviour).
export const metadata: Handler<MetadataRequest, MetadataResponse> = (body, broker, { header }) => {
  const counts = new Map(broker.logs.topics().map((t) => [t.name, t.partitions]))
  const requested = body.topics
  const all = requested === null || (header.apiVersion === 0 && requested.length === 0)
  const topics: MetadataResponseTopic[] = []
  if (all) {
    for (const [name, n] of counts) topics.push(describeTopic(broker, name, n))
  } else {
    const allowAuto = header.apiVersion < 4 || body.allowAutoTopicCreation !== false
    for (const t of requested!) {
      let name: string | null = t.name
      if (name === null || name === undefined) {
        const id = t.topicId
        name = (id && broker.logs.topicName(id)) ?? null
        if (name === null) { topics.push(missing(null, ErrorCode.UNKNOWN_TOPIC_ID, id)); continue }
      }
      let n = counts.get(name)
      if (n === undefined) {
        if (validateTopicName(name)) { topics.push(missing(name, ErrorCode.INVALID_TOPIC_EXCEPTION)); continue }
        if (!broker.autoCreateTopics || !allowAuto) { topics.push(missing(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)); continue }
        const code = broker.logs.createTopic(name, broker.defaultPartitions, {})
        if (code !== 0 && code !== ErrorCode.TOPIC_ALREADY_EXISTS) { topics.push(missing(name, code)); continue }
        n = broker.logs.topics().find((x) => x.name === name)?.partitions ?? broker.defaultPartitions
        counts.set(name, n)
      }
      topics.push(describeTopic(broker, name, n))
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: UNKNOWN_AUTHORIZED,
    errorCode: 0,
  }
}
