import { api, arr, f } from '../schema.js'

export const OffsetFetch = api({
  key: 9, name: 'OffsetFetch', versions: '1-7', flexible: 6,
  request: [
    f('groupId', 'string'),
    arr('topics', [f('name', 'string'), f('partitionIndexes', '[]int32')]),
    f('requireStable', 'bool', '7+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('committedOffset', 'int64'),
        f('committedLeaderEpoch', 'int32', '5+'),
        f('metadata', 'string'),
        f('errorCode', 'int16'),
      ]),
    ]),
    f('errorCode', 'int16', '2+'),
  ],
})
