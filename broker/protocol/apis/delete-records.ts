import { api, arr, f } from '../schema.js'

export const DeleteRecords = api({
  key: 21, name: 'DeleteRecords', versions: '0-2', flexible: 2,
  request: [
    arr('topics', [f('name', 'string'), arr('partitions', [f('partitionIndex', 'int32'), f('offset', 'int64')])]),
    f('timeoutMs', 'int32'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('topics', [
      f('name', 'string'),
      arr('partitions', [f('partitionIndex', 'int32'), f('lowWatermark', 'int64'), f('errorCode', 'int16')]),
    ]),
  ],
})
