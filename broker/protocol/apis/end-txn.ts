import { api, f } from '../schema.js'

export const EndTxn = api({
  key: 26, name: 'EndTxn', versions: '0-3', flexible: 3,
  request: [
    f('transactionalId', 'string'),
    f('producerId', 'int64'),
    f('producerEpoch', 'int16'),
    f('committed', 'bool'),
  ],
  response: [f('throttleTimeMs', 'int32'), f('errorCode', 'int16')],
})
