export { Suppressed, BufferConfig, type BufferFullStrategy } from './suppressed.js'
