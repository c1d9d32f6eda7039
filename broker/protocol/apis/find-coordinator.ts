import { api, arr, f } from '../schema.js'

export const FindCoordinator = api({
  key: 10, name: 'FindCoordinator', versions: '0-4', flexible: 3,
  request: [
    f('key', 'string', '0-3'),
    f('keyType', 'int8', '1+'),
    f('coordinatorKeys', '[]string', '4+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0-3'),
    f('errorMessage', 'string', '1-3'),
    f('nodeId', 'int32', '0-3'),
    f('host', 'string', '0-3'),
    f('port', 'int32', '0-3'),
    arr('coordinators', [
      f('key', 'string'), f('nodeId', 'int32'), f('host', 'string'), f('port', 'int32'),
      f('errorCode', 'int16'), f('errorMessage', 'string'),
    ], '4+'),
  ],
})
