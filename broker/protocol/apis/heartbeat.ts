import { api, f } from '../schema.js'

export const Heartbeat = api({
  key: 12, name: 'Heartbeat', versions: '0-4', flexible: 4,
  request: [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '3+'),
  ],
  response: [f('throttleTimeMs', 'int32', '1+'), f('errorCode', 'int16')],
})
