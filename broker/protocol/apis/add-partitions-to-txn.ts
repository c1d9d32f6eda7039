import { api, arr, f } from '../schema.js'

// Version 4 and later batch transactions and are sent by brokers only, so clients stop at 3.
export const AddPartitionsToTxn = api({
  key: 24, name: 'AddPartitionsToTxn', versions: '0-3', flexible: 3,
  request: [
    f('v3AndBelowTransactionalId', 'string'),
    f('v3AndBelowProducerId', 'int64'),
    f('v3AndBelowProducerEpoch', 'int16'),
    arr('v3AndBelowTopics', [f('name', 'string'), f('partitions', '[]int32')]),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('resultsByTopicV3AndBelow', [
      f('name', 'string'),
      arr('resultsByPartition', [f('partitionIndex', 'int32'), f('partitionErrorCode', 'int16')]),
    ]),
  ],
})
