export * from './streams-state.js'
