import { api, arr, f } from '../schema.js'

export const AlterConfigs = api({
  key: 33, name: 'AlterConfigs', versions: '0-2', flexible: 2,
  request: [
    arr('resources', [
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      arr('configs', [f('name', 'string'), f('value', 'string')]),
    ]),
    f('validateOnly', 'bool'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('responses', [
      f('errorCode', 'int16'), f('errorMessage', 'string'),
      f('resourceType', 'int8'), f('resourceName', 'string'),
    ]),
  ],
})
