import { api, f } from '../schema.js'

export const InitProducerId = api({
  key: 22, name: 'InitProducerId', versions: '0-4', flexible: 2,
  request: [
    f('transactionalId', 'string'),
    f('transactionTimeoutMs', 'int32'),
    f('producerId', 'int64', '3+'),
    f('producerEpoch', 'int16', '3+'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    f('errorCode', 'int16'),
    f('producerId', 'int64'),
    f('producerEpoch', 'int16'),
  ],
})
