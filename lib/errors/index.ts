export * from './dead-letter.js'
export * from './production-errors.js'
export * from './deserialization-errors.js'
export * from './processing-errors.js'
