import { api, arr, f } from '../schema.js'

export const ListOffsets = api({
  key: 2, name: 'ListOffsets', versions: '1-7', flexible: 6,
  request: [
    f('replicaId', 'int32'),
    f('isolationLevel', 'int8', '2+'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('currentLeaderEpoch', 'int32', '4+'),
        f('timestamp', 'int64'),
      ]),
    ]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [
        f('partitionIndex', 'int32'),
        f('errorCode', 'int16'),
        f('timestamp', 'int64'),
        f('offset', 'int64'),
        f('leaderEpoch', 'int32', '4+'),
      ]),
    ]),
  ],
})
