import { api, arr, f } from '../schema.js'

export const DeleteTopics = api({
  key: 20, name: 'DeleteTopics', versions: '0-6', flexible: 4,
  request: [
    arr('topics', [f('name', 'string'), f('topicId', 'uuid')], '6+'),
    f('topicNames', '[]string', '0-5'),
    f('timeoutMs', 'int32'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    arr('responses', [
      f('name', 'string'),
      f('topicId', 'uuid', '6+'),
      f('errorCode', 'int16'),
      f('errorMessage', 'string', '5+'),
    ]),
  ],
})
