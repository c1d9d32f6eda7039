import { api, arr, f } from '../schema.js'

export const OffsetCommit = api({
  key: 8, name: 'OffsetCommit', versions: '2-8', flexible: 8,
  request: [
    f('groupId', 'string'),
    f('generationIdOrMemberEpoch', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '7+'),
    f('retentionTimeMs', 'int64', '2-4'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('committedOffset', 'int64'),
        f('committedLeaderEpoch', 'int32', '6+'),
        f('committedMetadata', 'string'),
      ]),
    ]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('topics', [f('name', 'string'), arr('partitions', [f('partitionIndex', 'int32'), f('errorCode', 'int16')])]),
  ],
})
