import { api, arr, f } from '../schema.js'

export const Metadata = api({
  key: 3, name: 'Metadata', versions: '0-12', flexible: 9,
  request: [
    arr('topics', [f('topicId', 'uuid', '10+'), f('name', 'string')]),
    f('allowAutoTopicCreation', 'bool', '4+'),
    f('includeClusterAuthorizedOperations', 'bool', '8-10'),
    f('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('brokers', [f('nodeId', 'int32'), f('host', 'string'), f('port', 'int32'), f('rack', 'string', '1+')]),
    f('clusterId', 'string', '2+'),
    f('controllerId', 'int32', '1+'),
    arr('topics', [
      f('errorCode', 'int16'),
      f('name', 'string'),
      f('topicId', 'uuid', '10+'),
      f('isInternal', 'bool', '1+'),
      arr('partitions', [
        f('errorCode', 'int16'),
        f('partitionIndex', 'int32'),
        f('leaderId', 'int32'),
        f('leaderEpoch', 'int32', '7+'),
        f('replicaNodes', '[]int32'),
        f('isrNodes', '[]int32'),
        f('offlineReplicas', '[]int32', '5+'),
      ]),
      f('topicAuthorizedOperations', 'int32', '8+'),
    ]),
    f('clusterAuthorizedOperations', 'int32', '8-10'),
  ],
})
