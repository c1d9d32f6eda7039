// The Kafka protocol layer shared by the broker and the client: message types and codecs
// generated from Kafka's JSON message specs, the codec runtime, the error-code table, and record batches.
export * from './messages/index.js'
export { Reader } from './runtime/reader.js'
export { Writer } from './runtime/writer.js'
export { ProtocolDecodeError } from './runtime/errors.js'
export {
  UnsupportedVersionError, type FieldSchema, type MessageSchema, type Primitive, type VersionRange,
  decodeMessage, encodeMessage, readMessage, writeMessage, isFlexibleVersion, recordsOf, type WriteOptions,
} from './runtime/codec.js'
export * from './headers.js'
export * from './errors.js'
export * from './records/index.js'
