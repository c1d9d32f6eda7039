export * from './streams-state.js'
export { isAliveState, isReadyState } from './health.js'
export { closeOnSignals, type CloseOnSignalsOptions } from './signals.js'
