import { api, arr, f } from '../schema.js'

export const SyncGroup = api({
  key: 14, name: 'SyncGroup', versions: '0-5', flexible: 4,
  request: [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '3+'),
    f('protocolType', 'string', '5+'),
    f('protocolName', 'string', '5+'),
    arr('assignments', [f('memberId', 'string'), f('assignment', 'bytes')]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    f('protocolType', 'string', '5+'),
    f('protocolName', 'string', '5+'),
    f('assignment', 'bytes'),
  ],
})
