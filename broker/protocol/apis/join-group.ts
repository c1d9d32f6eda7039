import { api, arr, f } from '../schema.js'

export const JoinGroup = api({
  key: 11, name: 'JoinGroup', versions: '0-9', flexible: 6,
  request: [
    f('groupId', 'string'),
    f('sessionTimeoutMs', 'int32'),
    f('rebalanceTimeoutMs', 'int32', '1+'),
    f('memberId', 'string'),
    f('groupInstanceId', 'string', '5+'),
    f('protocolType', 'string'),
    arr('protocols', [f('name', 'string'), f('metadata', 'bytes')]),
    f('reason', 'string', '8+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    f('errorCode', 'int16'),
    f('generationId', 'int32'),
    f('protocolType', 'string', '7+'),
    f('protocolName', 'string'),
    f('leader', 'string'),
    f('skipAssignment', 'bool', '9+'),
    f('memberId', 'string'),
    arr('members', [f('memberId', 'string'), f('groupInstanceId', 'string', '5+'), f('metadata', 'bytes')]),
  ],
})
