import { api, arr, f } from '../schema.js'

export const CreateTopics = api({
  key: 19, name: 'CreateTopics', versions: '0-7', flexible: 5,
  request: [
    arr('topics', [
      f('name', 'string'),
      f('numPartitions', 'int32'),
      f('replicationFactor', 'int16'),
      arr('assignments', [f('partitionIndex', 'int32'), f('brokerIds', '[]int32')]),
      arr('configs', [f('name', 'string'), f('value', 'string')]),
    ]),
    f('timeoutMs', 'int32'),
    f('validateOnly', 'bool', '1+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    arr('topics', [
      f('name', 'string'),
      f('topicId', 'uuid', '7+'),
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '1+'),
      f('topicConfigErrorCode', 'int16', '5+', 0),
      f('numPartitions', 'int32', '5+'),
      f('replicationFactor', 'int16', '5+'),
      arr('configs', [
        f('name', 'string'), f('value', 'string'), f('readOnly', 'bool'),
        f('configSource', 'int8'), f('isSensitive', 'bool'),
      ], '5+'),
    ]),
  ],
})
