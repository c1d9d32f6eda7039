export * from './types.js'
export * from './kafkajs/index.js'
export * from './errors.js'
