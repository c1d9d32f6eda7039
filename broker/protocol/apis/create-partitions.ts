import { api, arr, f } from '../schema.js'

export const CreatePartitions = api({
  key: 37, name: 'CreatePartitions', versions: '0-3', flexible: 2,
  request: [
    arr('topics', [f('name', 'string'), f('count', 'int32'), arr('assignments', [f('brokerIds', '[]int32')])]),
    f('timeoutMs', 'int32'),
    f('validateOnly', 'bool'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('results', [f('name', 'string'), f('errorCode', 'int16'), f('errorMessage', 'string')]),
  ],
})
