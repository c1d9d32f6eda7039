// Kafka's error codes come from the protocol layer's table; this module stays for the record-batch
// code that imports it from here.
export { ErrorCode } from '../../protocol/errors.js'
