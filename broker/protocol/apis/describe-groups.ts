import { api, arr, f } from '../schema.js'

export const DescribeGroups = api({
  key: 15, name: 'DescribeGroups', versions: '0-5', flexible: 5,
  request: [f('groups', '[]string'), f('includeAuthorizedOperations', 'bool', '3+')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    arr('groups', [
      f('errorCode', 'int16'),
      f('groupId', 'string'),
      f('groupState', 'string'),
      f('protocolType', 'string'),
      f('protocolData', 'string'),
      arr('members', [
        f('memberId', 'string'),
        f('groupInstanceId', 'string', '4+'),
        f('clientId', 'string'),
        f('clientHost', 'string'),
        f('memberMetadata', 'bytes'),
        f('memberAssignment', 'bytes'),
      ]),
      f('authorizedOperations', 'int32', '3+'),
    ]),
  ],
})
