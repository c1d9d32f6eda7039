import { api, arr, f } from '../schema.js'

export const LeaveGroup = api({
  key: 13, name: 'LeaveGroup', versions: '0-5', flexible: 4,
  request: [
    f('groupId', 'string'),
    f('memberId', 'string', '0-2'),
    arr('members', [f('memberId', 'string'), f('groupInstanceId', 'string'), f('reason', 'string', '5+')], '3+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    arr('members', [f('memberId', 'string'), f('groupInstanceId', 'string'), f('errorCode', 'int16')], '3+'),
  ],
})
