import { api, f } from '../schema.js'

export const AddOffsetsToTxn = api({
  key: 25, name: 'AddOffsetsToTxn', versions: '0-3', flexible: 3,
  request: [
    f('transactionalId', 'string'),
    f('producerId', 'int64'),
    f('producerEpoch', 'int16'),
    f('groupId', 'string'),
  ],
  response: [f('throttleTimeMs', 'int32'), f('errorCode', 'int16')],
})
