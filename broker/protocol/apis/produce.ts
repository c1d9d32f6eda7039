import { api, arr, f } from '../schema.js'

// Versions below 3 carry the old message-set formats; like Kafka 4 this broker takes v2 batches only.
export const Produce = api({
  key: 0, name: 'Produce', versions: '3-9', flexible: 9,
  request: [
    f('transactionalId', 'string'),
    f('acks', 'int16'),
    f('timeoutMs', 'int32'),
    arr('topicData', [
      f('name', 'string'),
      arr('partitionData', [f('index', 'int32'), f('records', 'records')]),
    ]),
  ],
  response: [
    arr('responses', [
      f('name', 'string'),
      arr('partitionResponses', [
        f('index', 'int32'),
        f('errorCode', 'int16'),
        f('baseOffset', 'int64'),
        f('logAppendTimeMs', 'int64'),
        f('logStartOffset', 'int64', '5+'),
        arr('recordErrors', [f('batchIndex', 'int32'), f('batchIndexErrorMessage', 'string')], '8+'),
        f('errorMessage', 'string', '8+'),
      ]),
    ]),
    f('throttleTimeMs', 'int32'),
  ],
})
