export * from './metadata.js'
export * from './errors.js'
export * from './plan.js'
export * from './ensure.js'
