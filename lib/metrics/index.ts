export * from './registry.js'
export * from './streams-metrics.js'
