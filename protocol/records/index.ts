// RecordBatch v2: writing, reading, control records, read_committed filtering, compression.
export * from './layout.js'
export * from './types.js'
export * from './errors.js'
export { crc32c } from './crc32c.js'
export { compress, decompress, compressAsync, decompressAsync } from './compression.js'
export { sizeOfVarint, writeVarint, readVarint } from './varint.js'
export {
  type PreparedRecordBatch, prepareRecordBatch, prepareRecordBatchAsync, writePreparedRecordBatch, recordBatchSize, writeRecordBatch,
  encodeRecordBatch,
} from './encode.js'
export {
  type ReadRecordBatchesOptions, readRecordBatches, readRecordBatchesAsync, readRecordBatch, completeBatchesLength,
} from './decode.js'
export { type RecordSpan, type RecordSpans, readRecordSpans } from './spans.js'
export {
  ControlRecordType, type EndTxnMarker, type EndTxnMarkerBatchInput, encodeControlRecordKey, encodeEndTxnMarkerValue,
  controlRecordTypeOf, readEndTxnMarker, encodeEndTxnMarkerBatch,
} from './control.js'
export { type AbortedTransaction, filterAbortedBatches, nextFetchOffset } from './aborted.js'
