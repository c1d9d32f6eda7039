import { api, arr, f } from '../schema.js'

export const TxnOffsetCommit = api({
  key: 28, name: 'TxnOffsetCommit', versions: '0-3', flexible: 3,
  request: [
    f('transactionalId', 'string'),
    f('groupId', 'string'),
    f('producerId', 'int64'),
    f('producerEpoch', 'int16'),
    f('generationId', 'int32', '3+'),
    f('memberId', 'string', '3+'),
    f('groupInstanceId', 'string', '3+'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('committedOffset', 'int64'),
        f('committedLeaderEpoch', 'int32', '2+'),
        f('committedMetadata', 'string'),
      ]),
    ]),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('topics', [f('name', 'string'), arr('partitions', [f('partitionIndex', 'int32'), f('errorCode', 'int16')])]),
  ],
})
