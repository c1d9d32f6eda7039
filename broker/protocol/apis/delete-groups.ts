import { api, arr, f } from '../schema.js'

export const DeleteGroups = api({
  key: 42, name: 'DeleteGroups', versions: '0-2', flexible: 2,
  request: [f('groupsNames', '[]string')],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('results', [f('groupId', 'string'), f('errorCode', 'int16')]),
  ],
})
