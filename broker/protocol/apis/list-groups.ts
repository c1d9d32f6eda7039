import { api, arr, f } from '../schema.js'

export const ListGroups = api({
  key: 16, name: 'ListGroups', versions: '0-4', flexible: 3,
  request: [f('statesFilter', '[]string', '4+')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16'),
    arr('groups', [f('groupId', 'string'), f('protocolType', 'string'), f('groupState', 'string', '4+')]),
  ],
})
