import { api, arr, f } from '../schema.js'

export const Fetch = api({
  key: 1, name: 'Fetch', versions: '4-12', flexible: 12,
  request: [
    f('clusterId', 'string', '12+', 0),
    f('replicaId', 'int32'),
    f('maxWaitMs', 'int32'),
    f('minBytes', 'int32'),
    f('maxBytes', 'int32'),
    f('isolationLevel', 'int8'),
    f('sessionId', 'int32', '7+'),
    f('sessionEpoch', 'int32', '7+'),
    arr('topics', [
      f('topic', 'string'),
      arr('partitions', [
        f('partition', 'int32'),
        f('currentLeaderEpoch', 'int32', '9+'),
        f('fetchOffset', 'int64'),
        f('lastFetchedEpoch', 'int32', '12+'),
        f('logStartOffset', 'int64', '5+'),
        f('partitionMaxBytes', 'int32'),
      ]),
    ]),
    arr('forgottenTopicsData', [f('topic', 'string'), f('partitions', '[]int32')], '7+'),
    f('rackId', 'string', '11+'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    f('errorCode', 'int16', '7+'),
    f('sessionId', 'int32', '7+'),
    arr('responses', [
      f('topic', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('errorCode', 'int16'),
        f('highWatermark', 'int64'),
        f('lastStableOffset', 'int64'),
        f('logStartOffset', 'int64', '5+'),
        f('divergingEpoch', [f('epoch', 'int32'), f('endOffset', 'int64')], '12+', 0),
        f('currentLeader', [f('leaderId', 'int32'), f('leaderEpoch', 'int32')], '12+', 1),
        f('snapshotId', [f('endOffset', 'int64'), f('epoch', 'int32')], '12+', 2),
        arr('abortedTransactions', [f('producerId', 'int64'), f('firstOffset', 'int64')]),
        f('preferredReadReplica', 'int32', '11+'),
        f('records', 'records'),
      ]),
    ]),
  ],
})
